import { Injectable } from '@nestjs/common';
import { USER_INTERNAL_USERS_PATH, type InternalUserDto } from '@app/contracts';
import { UpstreamClients, UpstreamUnavailableError } from '@app/platform';
import { answer } from './upstream-answer';

/**
 * The user service, as other services see it. Requires PlatformModule.forRoot({ upstreams:
 * ['user'] }) and a SERVICE_API_KEY the user service accepts (its SERVICE_API_KEYS maps the
 * caller's name to it): the lookup is a service-to-service endpoint.
 */
@Injectable()
export class UserClient {
  constructor(private readonly upstreams: UpstreamClients) {}

  private get http() {
    return this.upstreams.get('user');
  }

  /**
   * `GET /internal/users/{id}` (service key): existence and role, never name or email.
   * null when the user does not exist (404; also 400, an id that is not a UUID cannot exist).
   * Any other answer (401 a key the user service does not accept, 403, 429) means this service
   * cannot get an answer, not that the user is missing: UpstreamUnavailableError (503), as for
   * 5xx, timeouts and an open breaker.
   */
  async getInternalUser(id: string): Promise<InternalUserDto | null> {
    const res = await this.http.request<InternalUserDto>({
      method: 'GET',
      path: `${USER_INTERNAL_USERS_PATH}/${encodeURIComponent(id)}`,
    });
    if (res.status === 404 || res.status === 400) return null;
    const result = answer<InternalUserDto>(res);
    if (!result.ok) {
      throw new UpstreamUnavailableError(
        'user',
        `The user service answered ${res.status} to a user lookup. Try again shortly.`,
      );
    }
    return result.body;
  }
}
