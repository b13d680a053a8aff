import { Injectable } from '@nestjs/common';
import { Actor, User } from '../../domain/entities/user';
import { UserNotFound } from '../../domain/errors/user.errors';
import { UserRepository } from '../../domain/repositories/user.repository';

/** Self or admin; anyone else's id answers like an unknown one. */
@Injectable()
export class GetUserUseCase {
  constructor(private readonly users: UserRepository) {}

  async execute(actor: Actor, id: string): Promise<User> {
    if (actor.role !== 'admin' && actor.id !== id) throw new UserNotFound(id);
    const user = await this.users.findById(id);
    if (!user || !user.isManageableBy(actor)) throw new UserNotFound(id);
    return user;
  }
}
