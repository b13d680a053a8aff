import { ApiProperty } from '@nestjs/swagger';
import { USER_ROLES, UserRole } from './user-limits';

/** A user as the API shows it: never a password or its hash. */
export class UserResponseDto {
  @ApiProperty({ format: 'uuid', example: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f' })
  id: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name: string;

  @ApiProperty({ format: 'email', example: 'ada@example.com' })
  email: string;

  @ApiProperty({ enum: USER_ROLES, example: 'customer' })
  role: UserRole;

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:30:00.000Z' })
  created_at: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:30:00.000Z' })
  updated_at: string;
}

export class UserPageDto {
  @ApiProperty({ type: [UserResponseDto] })
  items: UserResponseDto[];

  @ApiProperty({ description: 'Users in total', example: 42 })
  total: number;

  @ApiProperty({ example: 20 })
  limit: number;

  @ApiProperty({ example: 0 })
  offset: number;
}
