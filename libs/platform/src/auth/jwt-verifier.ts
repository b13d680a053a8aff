import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JWTPayload, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { PlatformConfig } from '../config/platform.config';
import { UpstreamUnavailableError } from '../errors/upstream-unavailable.error';
import { AuthenticatedUser, ROLES, Role } from './authenticated-user';
import { TokenStateSource } from './token-state';

// Pinned: a token must say RS256 or EdDSA; `none` and HMAC algorithms are refused outright.
const ALGORITHMS = ['RS256', 'EdDSA'];

/**
 * A customer's token reaches several services per checkout and each verified its RS256
 * signature again (3 % of their CPU). A verified token's claims are kept this long at most,
 * never past its `exp`; its token version is still checked on every request.
 */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 5_000;

const INVALID = 'The access token is invalid or expired.';
const REVOKED =
  'The access token is no longer valid (credentials changed or user deleted); log in again.';

/**
 * Verifies access tokens against the user service's JWKS (cached and refreshed by jose), then
 * their `tv` claim against the user's current token version: a token issued before its user's
 * last password, email or role change, or before the user's deletion, is refused.
 */
@Injectable()
export class JwtVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly verified = new LRUCache<string, JWTPayload>({ max: VERIFIED_MAX });

  constructor(
    private readonly config: PlatformConfig,
    private readonly tokenStates: TokenStateSource,
  ) {
    this.jwks = createRemoteJWKSet(new URL(config.jwt.jwksUrl), {
      timeoutDuration: 3000,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
  }

  async verify(token: string): Promise<AuthenticatedUser> {
    const payload = this.verified.get(token) ?? (await this.verifySignature(token));
    const { role, sub, tv } = payload;
    // Every token the user service issues carries `tv`; one without it is refused outright.
    if (typeof sub !== 'string' || !ROLES.includes(role as Role) || !isVersion(tv)) {
      throw new UnauthorizedException(INVALID);
    }
    const state = await this.tokenStates.stateFor(sub, tv);
    if (state.deleted || state.tokenVersion !== tv) throw new UnauthorizedException(REVOKED);
    return { id: sub, role: role as Role, token };
  }

  private async verifySignature(token: string): Promise<JWTPayload> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        algorithms: ALGORITHMS,
        issuer: this.config.jwt.issuer,
        audience: this.config.jwt.audience,
        requiredClaims: ['exp', 'sub', 'tv'],
      }));
    } catch (error) {
      if (isKeySourceFailure(error)) throw new UpstreamUnavailableError('user');
      throw new UnauthorizedException(INVALID);
    }
    // `exp` is required, so jose checked it: the entry goes when the token does
    const ttl = Math.min(VERIFIED_TTL_MS, (payload.exp as number) * 1000 - Date.now());
    if (ttl > 0) this.verified.set(token, payload, { ttl });
    return payload;
  }
}

/** The JWKS could not be fetched: the user service is down, not the caller's fault. */
function isKeySourceFailure(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) return true;
  if (error instanceof errors.JOSEError) return false;
  return error instanceof TypeError || (error as { code?: string })?.code === 'ECONNREFUSED';
}

function isVersion(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
