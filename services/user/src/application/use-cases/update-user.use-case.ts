import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Actor, Role, User } from '../../domain/entities/user';
import { UserNotFound } from '../../domain/errors/user.errors';
import { UserRepository } from '../../domain/repositories/user.repository';
import { Email } from '../../domain/value-objects/email';
import { PasswordPolicy } from '../../domain/value-objects/password-policy';
import { PasswordHasher } from '../ports/password-hasher.port';

export interface UserChanges {
  name?: string;
  email?: string;
  password?: string;
  role?: Role;
}

/** PUT and PATCH (the DTOs decide which fields are required). Self or admin. */
@Injectable()
export class UpdateUserUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async execute(actor: Actor, id: string, changes: UserChanges): Promise<User> {
    if (actor.role !== 'admin' && actor.id !== id) throw new UserNotFound(id);
    const email = changes.email === undefined ? undefined : Email.parse(changes.email);
    if (changes.password !== undefined) PasswordPolicy.check(changes.password);
    // Hashed before the transaction: the row lock is not held for the KDF's few hundred ms.
    const passwordHash =
      changes.password === undefined ? undefined : await this.hasher.hash(changes.password);

    return this.uow.run(async () => {
      const user = await this.users.findById(id, { forUpdate: true });
      if (!user || !user.isManageableBy(actor)) throw new UserNotFound(id);
      const now = new Date();
      user.changeProfile({ name: changes.name, email }, now);
      if (changes.role !== undefined) user.changeRole(changes.role, actor, now);
      if (passwordHash !== undefined) user.changePasswordHash(passwordHash, now);
      await this.users.update(user);
      return user;
    });
  }
}
