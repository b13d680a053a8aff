import { Injectable } from '@nestjs/common';
import { PlatformConfig } from '@app/platform';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import {
  AccessTokenIssuer,
  IssuedToken,
  TokenSubject,
} from '../../application/ports/access-token-issuer.port';
import { UserConfig } from '../config/user.config';
import { SigningKeyStore } from './signing-key-store';

/**
 * RS256 access tokens: header `kid` (so verifiers pick the key from the JWKS), claims `iss` and
 * `aud` (the platform's JWT_ISSUER / JWT_AUDIENCE, the values every verifier checks), `sub`,
 * `role`, `tv` (the user's token version, which every verifier compares with the user's current
 * one), `iat`, `exp` (ACCESS_TOKEN_TTL_SECONDS) and a random `jti`.
 */
@Injectable()
export class JoseAccessTokenIssuer extends AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeyStore,
    private readonly platform: PlatformConfig,
    private readonly config: UserConfig,
  ) {
    super();
  }

  async issue(subject: TokenSubject): Promise<IssuedToken> {
    const { kid, privateKey } = await this.keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const ttl = this.config.accessTokenTtlSeconds;
    const token = await new SignJWT({ role: subject.role, tv: subject.tokenVersion })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(this.platform.jwt.issuer)
      .setAudience(this.platform.jwt.audience)
      .setSubject(subject.id)
      .setIssuedAt(now)
      .setExpirationTime(now + ttl)
      .setJti(randomUUID())
      .sign(privateKey);
    return { token, expiresInSeconds: ttl };
  }
}
