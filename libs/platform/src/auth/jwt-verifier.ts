import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JWTPayload, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { PlatformConfig } from '../config/platform.config';
import { UpstreamUnavailableError } from '../errors/upstream-unavailable.error';
import { AuthenticatedUser, ROLES, Role } from './authenticated-user';

// Pinned: a token must say RS256 or EdDSA; `none` and HMAC algorithms are refused outright.
const ALGORITHMS = ['RS256', 'EdDSA'];

/** Verifies access tokens against the user service's JWKS (cached and refreshed by jose). */
@Injectable()
export class JwtVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly config: PlatformConfig) {
    this.jwks = createRemoteJWKSet(new URL(config.jwt.jwksUrl), {
      timeoutDuration: 3000,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
  }

  async verify(token: string): Promise<AuthenticatedUser> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        algorithms: ALGORITHMS,
        issuer: this.config.jwt.issuer,
        audience: this.config.jwt.audience,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      if (isKeySourceFailure(error)) throw new UpstreamUnavailableError('user');
      throw new UnauthorizedException('The access token is invalid or expired.');
    }
    const role = payload.role;
    if (typeof payload.sub !== 'string' || !ROLES.includes(role as Role)) {
      throw new UnauthorizedException('The access token is invalid or expired.');
    }
    return { id: payload.sub, role: role as Role, token };
  }
}

/** The JWKS could not be fetched: the user service is down, not the caller's fault. */
function isKeySourceFailure(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) return true;
  if (error instanceof errors.JOSEError) return false;
  return error instanceof TypeError || (error as { code?: string })?.code === 'ECONNREFUSED';
}
