import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsUUID, Max, Min } from 'class-validator';

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

/** Every service's (but user's) route for token-state notices. */
export const TOKEN_STATE_NOTICES_PATH = '/api/v1/internal/token-state-notices';

/**
 * `POST {TOKEN_STATE_NOTICES_PATH}` (user service key only): the user service tells a
 * service that a user's tokens changed (password, email or role change, deletion), so that
 * its cache refuses the older tokens at once instead of after AUTH_TOKEN_STATE_TTL_MS.
 */
export class TokenStateNoticeDto {
  @ApiProperty({ format: 'uuid', example: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f' })
  @IsUUID()
  user_id: string;

  @ApiProperty({
    description: "The user's new token version",
    minimum: 0,
    maximum: 2147483647,
    example: 4,
  })
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  token_version: number;

  @ApiProperty({ description: 'The user was deleted', example: false })
  @IsBoolean()
  deleted: boolean;
}
