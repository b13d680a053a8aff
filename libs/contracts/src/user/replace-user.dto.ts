import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { HasCodePointLength } from './code-point-length.validator';
import { normalisedEmail, trimmed } from './user-transforms';
import {
  PASSWORD_MAX,
  PASSWORD_MIN,
  USER_EMAIL_MAX,
  USER_NAME_MAX,
  USER_ROLES,
  UserRole,
} from './user-limits';

/** Optional means "may be omitted", never "may be null": a null is refused (400) naming the field. */
const omitted = (_dto: object, value: unknown): boolean => value !== undefined;

/**
 * Body of `PUT /users/{id}`: name and email are required; the password and the role are
 * optional (omitted: unchanged). Only an admin may change a role (a customer sending a role
 * other than their own gets 403). Users changing their own password or email also send
 * `current_password`.
 */
export class ReplaceUserDto {
  @ApiProperty({
    description: 'Display name (trimmed)',
    minLength: 1,
    maxLength: USER_NAME_MAX,
    example: 'Ada King',
  })
  @Transform(trimmed)
  @IsString()
  @Length(1, USER_NAME_MAX)
  name: string;

  @ApiProperty({
    description: 'Email address, unique regardless of case',
    maxLength: USER_EMAIL_MAX,
    format: 'email',
    example: 'ada.king@example.com',
  })
  @Transform(normalisedEmail)
  @IsString()
  @MaxLength(USER_EMAIL_MAX)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email: string;

  @ApiPropertyOptional({
    description: `New password, ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`,
    minLength: PASSWORD_MIN,
    maxLength: PASSWORD_MAX,
    format: 'password',
    example: 'another long passphrase',
  })
  @ValidateIf(omitted)
  @IsString()
  @HasCodePointLength(PASSWORD_MIN, PASSWORD_MAX)
  password?: string;

  @ApiPropertyOptional({
    description:
      'The password the user has now. Required (400 `current-password-required` without it) ' +
      'when users change their own password or email, admins included; a wrong one is 403 ' +
      '`current-password-incorrect` and counts as a failed login of that email. Ignored ' +
      "when an admin changes another user's account, and for changes of name or role only.",
    minLength: 1,
    maxLength: PASSWORD_MAX,
    format: 'password',
    example: 'correct horse battery staple',
  })
  @ValidateIf(omitted)
  @IsString()
  @HasCodePointLength(1, PASSWORD_MAX)
  current_password?: string;

  @ApiPropertyOptional({
    enum: USER_ROLES,
    description: 'Admin only: a customer may only repeat their own role',
    example: 'customer',
  })
  @ValidateIf(omitted)
  @IsIn(USER_ROLES)
  role?: UserRole;
}
