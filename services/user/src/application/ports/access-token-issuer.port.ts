import { Role } from '../../domain/entities/user';

export interface IssuedToken {
  token: string;
  expiresInSeconds: number;
}

export interface TokenSubject {
  id: string;
  role: Role;
  /** the user's current token version: the token is void once it changes */
  tokenVersion: number;
}

/** Port for minting access tokens (signed JWTs) for a user. */
export abstract class AccessTokenIssuer {
  abstract issue(subject: TokenSubject): Promise<IssuedToken>;
}
