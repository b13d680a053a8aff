import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TOKEN_STATE_NOTICES_PATH, TokenStateNoticeDto } from '@app/contracts';
import { ServiceAuth } from './auth.decorators';
import { TokenStateSource } from './token-state';
import { TokenStateBroadcast } from './token-state-broadcast';

/**
 * Where the user service announces a credential change (every service but user): the token
 * state cache learns it at once, and so do this service's other replicas (TokenStateBroadcast).
 * Best effort on the sender's side; the cache's TTL still bounds how long an older token can
 * pass where a notice did not arrive (an outage; a sibling replica without REDIS_URL).
 */
@ApiTags('platform (service-to-service)')
@Controller(TOKEN_STATE_NOTICES_PATH.replace('/api/v1/', ''))
export class TokenStateNoticesController {
  constructor(
    private readonly tokenStates: TokenStateSource,
    private readonly broadcast: TokenStateBroadcast,
  ) {}

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
  async notice(@Body() body: TokenStateNoticeDto): Promise<void> {
    this.tokenStates.learn(body.user_id, {
      tokenVersion: body.token_version,
      deleted: body.deleted,
    });
    // the other replicas of this service (with REDIS_URL); answered once they were told
    await this.broadcast.announce(body);
  }
}
