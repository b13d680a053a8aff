import { Controller, Get } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { InternalUserDto, ProblemDto } from '@app/contracts';
import { ServiceAuth, UuidParam } from '@app/platform';
import { LookUpUserUseCase } from '../../application/use-cases/look-up-user.use-case';
import { UserPresenter } from './user.presenter';
import { INTERNAL_USER_NOT_FOUND } from './problem-examples';

@ApiTags('users (service-to-service)')
@ServiceAuth('order-validation')
@Controller('internal/users')
export class InternalUsersController {
  constructor(private readonly lookUpUser: LookUpUserUseCase) {}

  @Get(':id')
  @ApiOperation({
    summary: 'Does this user exist, and with which role (X-Service-Key only)',
    description: 'Used by order-validation. No name or email: existence and role only.',
  })
  @ApiParam({ name: 'id', format: 'uuid', example: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f' })
  @ApiOkResponse({ type: InternalUserDto })
  @ApiNotFoundResponse(INTERNAL_USER_NOT_FOUND)
  @ApiBadRequestResponse({ type: ProblemDto, description: 'The id is not a UUID.' })
  async get(@UuidParam('id') id: string): Promise<InternalUserDto> {
    return UserPresenter.toInternal(await this.lookUpUser.execute(id));
  }
}
