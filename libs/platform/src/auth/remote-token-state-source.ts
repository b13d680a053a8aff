import { Logger } from '@nestjs/common';
import { PlatformConfig } from '../config/platform.config';
import { UpstreamUnavailableError } from '../errors/upstream-unavailable.error';
import { UpstreamClient } from '../http/upstream-client';
import { sharedHttpTransport } from '../http/http-transport';
import { loadUpstreamSettings } from '../http/upstream.config';
import { TOKEN_STATE_PATH, TokenState, TokenStateSource, isAtLeastAsRecent } from './token-state';
import { LRUCache } from 'lru-cache';

const JWKS_PATH = '/api/v1/auth/jwks.json';

/**
 * The token state lives with whoever publishes the JWKS (the issuer of the tokens): the user
 * service in every deployment, a test issuer's fake server in the in-process suites. So it is
 * found next to JWT_JWKS_URL: that URL without its `/api/v1/auth/jwks.json` (any path prefix
 * of a proxy kept), or its origin for a JWKS served elsewhere.
 */
export function tokenStateBaseUrl(jwksUrl: string): string {
  const url = new URL(jwksUrl);
  if (url.pathname.endsWith(JWKS_PATH)) {
    return `${url.origin}${url.pathname.slice(0, -JWKS_PATH.length)}`;
  }
  return url.origin;
}

/** Users whose state one process keeps; beyond it the least recently looked up goes first. */
export const TOKEN_STATE_CACHE_MAX = 10_000;

interface TokenStateBody {
  token_version?: unknown;
  deleted?: unknown;
}

/**
 * The user service's answer for a user, cached for AUTH_TOKEN_STATE_TTL_MS so that a busy
 * user costs one lookup per TTL, not one per request. Concurrent lookups of one user share a
 * single call. A token newer than the cached version (its user changed credentials and logged
 * in again) is never judged by the cache: the state is fetched again first.
 */
export class RemoteTokenStateSource extends TokenStateSource {
  private readonly logger = new Logger('TokenState');
  private readonly cache: LRUCache<string, TokenState>;
  private readonly inFlight = new Map<string, Promise<TokenState>>();

  constructor(
    private readonly userService: UpstreamClient,
    private readonly ttlMs: number,
    maxSize = TOKEN_STATE_CACHE_MAX,
  ) {
    super();
    // least recently used users evicted past maxSize; an entry lives ttlMs from its last set
    this.cache = new LRUCache({ max: maxSize, ttl: Math.max(ttlMs, 1) });
  }

  /**
   * Through the platform's upstream client (timeout, retries, circuit breaker of UPSTREAM_*),
   * authenticated with this service's own SERVICE_API_KEY.
   */
  static fromConfig(
    config: PlatformConfig,
    env: Record<string, string | undefined>,
  ): RemoteTokenStateSource {
    const client = new UpstreamClient(
      'user',
      tokenStateBaseUrl(config.jwt.jwksUrl),
      sharedHttpTransport,
      loadUpstreamSettings([], env),
      config.serviceApiKey,
    );
    return new RemoteTokenStateSource(client, config.jwt.tokenStateTtlMs);
  }

  async stateFor(userId: string, tokenVersion: number): Promise<TokenState> {
    const cached = this.cache.get(userId);
    if (cached && (cached.deleted || cached.tokenVersion >= tokenVersion)) return cached;
    const state = await this.lookUp(userId);
    if (state.deleted || state.tokenVersion >= tokenVersion) return state;
    // The lookup this request joined may have started before its token was issued; one that
    // starts now cannot have, so its answer is final.
    return this.lookUp(userId);
  }

  override learn(userId: string, state: TokenState): void {
    this.remember(userId, state);
  }

  /** Never replaces what the cache knows with something older (a lookup that started before a notice). */
  private remember(userId: string, state: TokenState): void {
    if (this.ttlMs <= 0) return; // TTL 0: ask on every request, keep nothing
    const current = this.cache.get(userId);
    if (!current || isAtLeastAsRecent(state, current)) this.cache.set(userId, state);
  }

  private lookUp(userId: string): Promise<TokenState> {
    const pending = this.inFlight.get(userId);
    if (pending) return pending;
    const lookup = (async () => {
      try {
        const state = await this.fetch(userId);
        this.remember(userId, state);
        return this.cache.get(userId) ?? state;
      } finally {
        // before any waiter resumes: a later lookUp() starts a new call instead of joining this one
        this.inFlight.delete(userId);
      }
    })();
    this.inFlight.set(userId, lookup);
    return lookup;
  }

  private async fetch(userId: string): Promise<TokenState> {
    const response = await this.userService.request<TokenStateBody>({
      method: 'GET',
      path: TOKEN_STATE_PATH(userId),
    });
    const body = response.data ?? {};
    const version = body.token_version;
    if (
      response.status !== 200 ||
      typeof body.deleted !== 'boolean' ||
      !Number.isSafeInteger(version) ||
      (version as number) < 0
    ) {
      // 401/403 here means this service's SERVICE_API_KEY is not accepted by the user service:
      // a deployment error, not the caller's, so 503 (and a log line an operator can act on).
      this.logger.error(
        { upstream_status: response.status },
        'The user service did not answer the token-state lookup as expected',
      );
      throw new UpstreamUnavailableError('user');
    }
    return { tokenVersion: version as number, deleted: body.deleted };
  }
}
