import { ApiProperty } from '@nestjs/swagger';
import { USER_ROLES, UserRole } from './user-limits';

/** Path of the service-to-service lookup: `GET {USER_INTERNAL_USERS_PATH}/{id}` with X-Service-Key. */
export const USER_INTERNAL_USERS_PATH = '/api/v1/internal/users';

/**
 * `GET /internal/users/{id}` (service key only): the user exists (200) or not (404
 * `user-not-found`). Deliberately no name or email: other services need existence and role.
 */
export class InternalUserDto {
  @ApiProperty({ format: 'uuid', example: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f' })
  id: string;

  @ApiProperty({ enum: USER_ROLES, example: 'customer' })
  role: UserRole;

  @ApiProperty({ enum: [true], example: true })
  exists: true;
}
