import { Role } from '../../domain/entities/user';

export interface IssuedToken {
  token: string;
  expiresInSeconds: number;
}

/** Port for minting access tokens (signed JWTs) for a user. */
export abstract class AccessTokenIssuer {
  abstract issue(subject: { id: string; role: Role }): Promise<IssuedToken>;
}
