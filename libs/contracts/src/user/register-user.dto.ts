import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { HasCodePointLength } from './code-point-length.validator';
import { PASSWORD_MAX, PASSWORD_MIN, USER_EMAIL_MAX, USER_NAME_MAX } from './user-limits';
import { normalisedEmail, trimmed } from './user-transforms';

/**
 * Body of `POST /users` (public registration). The role is always `customer`: a `role` field,
 * like any field not listed here, is refused with 400.
 */
export class RegisterUserDto {
  @ApiProperty({
    description: 'Display name (trimmed)',
    minLength: 1,
    maxLength: USER_NAME_MAX,
    example: 'Ada Lovelace',
  })
  @Transform(trimmed)
  @IsString()
  @Length(1, USER_NAME_MAX)
  name: string;

  @ApiProperty({
    description: 'Email address, unique regardless of case (stored trimmed and lower-cased)',
    maxLength: USER_EMAIL_MAX,
    format: 'email',
    example: 'ada@example.com',
  })
  @Transform(normalisedEmail)
  @IsString()
  @MaxLength(USER_EMAIL_MAX)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email: string;

  @ApiProperty({
    description: `Password, ${PASSWORD_MIN} to ${PASSWORD_MAX} characters; never returned`,
    minLength: PASSWORD_MIN,
    maxLength: PASSWORD_MAX,
    format: 'password',
    example: 'correct horse battery staple',
  })
  @IsString()
  @HasCodePointLength(PASSWORD_MIN, PASSWORD_MAX)
  password: string;
}
