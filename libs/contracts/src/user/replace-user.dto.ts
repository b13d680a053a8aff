import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
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

/**
 * Body of `PUT /users/{id}`: name and email are required; the password and the role are
 * optional (omitted: unchanged). Only an admin may change a role (a customer sending a role
 * other than their own gets 403).
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
  @IsOptional()
  @IsString()
  @HasCodePointLength(PASSWORD_MIN, PASSWORD_MAX)
  password?: string;

  @ApiPropertyOptional({
    enum: USER_ROLES,
    description: 'Admin only: a customer may only repeat their own role',
    example: 'customer',
  })
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;
}
