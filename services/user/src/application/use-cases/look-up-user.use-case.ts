import { Injectable } from '@nestjs/common';
import { User } from '../../domain/entities/user';
import { UserNotFound } from '../../domain/errors/user.errors';
import { UserRepository } from '../../domain/repositories/user.repository';

/** For other services (behind the service credential): does this user exist, with what role. */
@Injectable()
export class LookUpUserUseCase {
  constructor(private readonly users: UserRepository) {}

  async execute(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFound(id);
    return user;
  }
}
