import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TOKEN_STATE_NOTICES_PATH, TokenStateNoticeDto } from '@app/contracts';
import { ServiceAuth } from './auth.decorators';
import { TokenStateSource } from './token-state';

/**
 * Where the user service announces a credential change (every service but user): the token
 * state cache learns it at once. Best effort on the sender's side; the cache's TTL still bounds
 * how long an older token can pass where a notice did not arrive (another replica, an outage).
 */
@ApiTags('platform (service-to-service)')
@Controller(TOKEN_STATE_NOTICES_PATH.replace('/api/v1/', ''))
export class TokenStateNoticesController {
  constructor(private readonly tokenStates: TokenStateSource) {}

  @Post()
  @HttpCode(204)
  @ServiceAuth('user')
  @ApiOperation({
    summary: "A user's tokens changed: refuse the older ones from now on",
    description:
      'Sent by the user service after a password, email or role change or a deletion. ' +
      'Versions only grow and a deletion is final: an older notice changes nothing.',
  })
  @ApiNoContentResponse({ description: 'Taken into account.' })
  notice(@Body() body: TokenStateNoticeDto): void {
    this.tokenStates.learn(body.user_id, {
      tokenVersion: body.token_version,
      deleted: body.deleted,
    });
  }
}
