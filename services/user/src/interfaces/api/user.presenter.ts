import {
  AccessTokenDto,
  InternalUserDto,
  JwksDto,
  UserPageDto,
  UserResponseDto,
} from '@app/contracts';
import { IssuedToken } from '../../application/ports/access-token-issuer.port';
import { PublishedKey } from '../../application/ports/signing-keys.port';
import { User } from '../../domain/entities/user';
import { UserPage } from '../../domain/repositories/user.repository';

/**
 * Domain → wire for the user API. Responses list their fields explicitly (a whitelist): the
 * password hash has no way out.
 */
export const UserPresenter = {
  toResponse(user: User): UserResponseDto {
    return {
      id: user.id,
      name: user.name,
      email: user.email.value,
      role: user.role,
      created_at: user.createdAt.toISOString(),
      updated_at: user.updatedAt.toISOString(),
    };
  },

  toPage(page: UserPage, limit: number, offset: number): UserPageDto {
    return {
      items: page.items.map((user) => UserPresenter.toResponse(user)),
      total: page.total,
      limit,
      offset,
    };
  },

  toInternal(user: User): InternalUserDto {
    return { id: user.id, role: user.role, exists: true };
  },

  toAccessToken(issued: IssuedToken): AccessTokenDto {
    return {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresInSeconds,
    };
  },

  toJwks(keys: PublishedKey[]): JwksDto {
    return {
      keys: keys.map(({ kty, kid, alg, use, n, e }) => ({ kty, kid, alg, use, n, e })),
    };
  },
};
