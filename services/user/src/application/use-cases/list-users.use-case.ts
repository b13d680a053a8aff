import { Injectable } from '@nestjs/common';
import { UserPage, UserRepository } from '../../domain/repositories/user.repository';

/** Admin only (the controller requires the role). */
@Injectable()
export class ListUsersUseCase {
  constructor(private readonly users: UserRepository) {}

  execute(page: { limit: number; offset: number }): Promise<UserPage> {
    return this.users.list(page);
  }
}
