import { Controller, Get } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ProblemDto, TokenStateDto } from '@app/contracts';
import { ServiceAuth, UuidParam } from '@app/platform';
import { GetTokenStateUseCase } from '../../application/use-cases/get-token-state.use-case';

@ApiTags('users (service-to-service)')
// every other service's JwtVerifier calls it (the user service checks its own rows)
@ServiceAuth('product', 'cart', 'order', 'payment', 'delivery', 'order-validation')
@Controller('internal/users')
export class InternalTokenStateController {
  constructor(private readonly tokenState: GetTokenStateUseCase) {}

  @Get(':id/token-state')
  @ApiOperation({
    summary: "A user's current token version, for other services' token checks (X-Service-Key)",
    description:
      'Every service verifying an access token compares its `tv` claim with `token_version` ' +
      '(cached for AUTH_TOKEN_STATE_TTL_MS). An unknown id is `deleted: true`, not a 404.',
  })
  @ApiParam({ name: 'id', format: 'uuid', example: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f' })
  @ApiOkResponse({ type: TokenStateDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'The id is not a UUID.' })
  async get(@UuidParam('id') id: string): Promise<TokenStateDto> {
    const state = await this.tokenState.execute(id);
    return { token_version: state.tokenVersion, deleted: state.deleted };
  }
}
