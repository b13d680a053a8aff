import { Injectable } from '@nestjs/common';
import { Actor } from '../../domain/entities/user';
import { UserNotFound } from '../../domain/errors/user.errors';
import { UserRepository } from '../../domain/repositories/user.repository';
import { TokenStateNotifier } from '../ports/token-state-notifier.port';

/**
 * Self or admin. A hard delete: with the row goes the user's token version, so every token of
 * theirs is refused from then on (the token-state route answers `deleted: true`), and the
 * services caching token states are told at once.
 */
@Injectable()
export class DeleteUserUseCase {
  constructor(
    private readonly users: UserRepository,
    private readonly notifier: TokenStateNotifier,
  ) {}

  async execute(actor: Actor, id: string): Promise<void> {
    if (actor.role !== 'admin' && actor.id !== id) throw new UserNotFound(id);
    if (!(await this.users.delete(id))) throw new UserNotFound(id);
    await this.notifier.changed(id, { tokenVersion: 0, deleted: true });
  }
}
