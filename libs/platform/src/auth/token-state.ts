/** What a verifier needs to know about a token's user beyond the signature. */
export interface TokenState {
  /** bumped by the user service on a password, email or role change: older tokens are void */
  tokenVersion: number;
  /** the user no longer exists: every token of theirs is void */
  deleted: boolean;
}

/** Path of the user service's token-state route, under the origin that serves the JWKS. */
export const TOKEN_STATE_PATH = (userId: string): string =>
  `/api/v1/internal/users/${encodeURIComponent(userId)}/token-state`;

/**
 * Where JwtVerifier learns a user's current token version. Other services ask the user service
 * (cached, RemoteTokenStateSource); the user service reads its own database
 * (PlatformModule.forRoot({ tokenStateSource })).
 */
export abstract class TokenStateSource {
  /**
   * The state to judge a token carrying `tokenVersion` by. An implementation with a cache must
   * not answer from it with a version lower than `tokenVersion`: such a token was issued after
   * the cached state was read, so the state is refreshed first.
   */
  abstract stateFor(userId: string, tokenVersion: number): Promise<TokenState>;

  /**
   * A state the user service announced after a change (POST /internal/token-state-notices):
   * a cache takes it at once, so older tokens are refused now rather than after its TTL.
   * A source without a cache has nothing to do.
   */
  learn(_userId: string, _state: TokenState): void {}
}

/** Whether `candidate` is at least as recent as `current`: versions only grow, deletion is final. */
export function isAtLeastAsRecent(candidate: TokenState, current: TokenState): boolean {
  if (current.deleted) return candidate.deleted;
  return candidate.deleted || candidate.tokenVersion >= current.tokenVersion;
}
