import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { HasCodePointLength } from './code-point-length.validator';
import { normalisedEmail } from './user-transforms';
import { PASSWORD_MAX, USER_EMAIL_MAX } from './user-limits';

/** Body of `POST /auth/login`. */
export class LoginDto {
  @ApiProperty({ format: 'email', maxLength: USER_EMAIL_MAX, example: 'ada@example.com' })
  @Transform(normalisedEmail)
  @IsString()
  @MaxLength(USER_EMAIL_MAX)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email: string;

  @ApiProperty({
    format: 'password',
    minLength: 1,
    maxLength: PASSWORD_MAX,
    example: 'correct horse battery staple',
  })
  @IsString()
  @HasCodePointLength(1, PASSWORD_MAX)
  password: string;
}

/** A short-lived access token (RS256 JWT) for `Authorization: Bearer`. */
export class AccessTokenDto {
  @ApiProperty({
    description:
      'RS256 JWT: header `kid`; claims `iss`, `aud`, `sub` (user id), `role`, `tv` (token ' +
      "version: the token is refused once the user's password, email or role changes or the " +
      'user is deleted), `iat`, `exp`, `jti`',
    example:
      'eyJhbGciOiJSUzI1NiIsImtpZCI6Ii4uLiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiY3VzdG9tZXIiLCJzdWIiOiIuLi4ifQ.c2ln',
  })
  access_token: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  token_type: 'Bearer';

  @ApiProperty({ description: 'Seconds until the token expires', example: 900 })
  expires_in: number;
}
