import { ApiProperty } from '@nestjs/swagger';

/**
 * `GET /internal/users/{id}/token-state` (service key only): what an access token of this user
 * must carry to be valid. A token whose `tv` claim differs from `token_version`, or any token
 * of a deleted user, is refused.
 */
export class TokenStateDto {
  @ApiProperty({
    description: "The user's current token version; bumped by every password, email or role change",
    minimum: 0,
    example: 3,
  })
  token_version: number;

  @ApiProperty({
    description: 'No such user (deleted, or never existed): every token naming it is void',
    example: false,
  })
  deleted: boolean;
}
