import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { TOKEN_STATE_NOTICES_PATH } from '@app/contracts';
import { UpstreamClients } from '@app/platform';
import {
  ChangedTokenState,
  TokenStateNotifier,
} from '../../application/ports/token-state-notifier.port';

export const TOKEN_STATE_SUBSCRIBER_NAMES = Symbol('TOKEN_STATE_SUBSCRIBER_NAMES');

/**
 * POSTs the new state to every subscriber's platform route, in parallel, through the platform's
 * upstream client (UPSTREAM_TIMEOUT_MS, circuit breaker, this service's key). A subscriber that
 * is down or refuses is logged and skipped: its cache's TTL still bounds the window there.
 */
@Injectable()
export class HttpTokenStateNotifier extends TokenStateNotifier {
  private readonly logger = new Logger('TokenStateNotifier');

  constructor(
    @Inject(TOKEN_STATE_SUBSCRIBER_NAMES) private readonly subscribers: string[],
    @Optional() private readonly upstreams?: UpstreamClients,
  ) {
    super();
  }

  async changed(userId: string, state: ChangedTokenState): Promise<void> {
    const upstreams = this.upstreams;
    if (!upstreams) return;
    const body = { user_id: userId, token_version: state.tokenVersion, deleted: state.deleted };
    await Promise.all(
      this.subscribers.map(async (subscriber) => {
        try {
          const response = await upstreams
            .get(subscriber)
            .request({ method: 'POST', path: TOKEN_STATE_NOTICES_PATH, body });
          if (response.status !== 204) {
            this.logger.warn(
              { subscriber, upstream_status: response.status },
              'A service refused the token-state notice',
            );
          }
        } catch (error) {
          this.logger.warn(
            { subscriber, err_class: error instanceof Error ? error.constructor.name : 'unknown' },
            'A service could not be told of a token-state change',
          );
        }
      }),
    );
  }
}
