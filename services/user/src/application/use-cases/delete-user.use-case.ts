import { Injectable } from '@nestjs/common';
import { Actor } from '../../domain/entities/user';
import { UserNotFound } from '../../domain/errors/user.errors';
import { UserRepository } from '../../domain/repositories/user.repository';

/** Self or admin. Tokens already issued stay valid until they expire (they are short-lived). */
@Injectable()
export class DeleteUserUseCase {
  constructor(private readonly users: UserRepository) {}

  async execute(actor: Actor, id: string): Promise<void> {
    if (actor.role !== 'admin' && actor.id !== id) throw new UserNotFound(id);
    if (!(await this.users.delete(id))) throw new UserNotFound(id);
  }
}
