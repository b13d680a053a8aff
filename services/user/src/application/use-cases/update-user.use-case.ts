import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Actor, Role, User } from '../../domain/entities/user';
import { UserNotFound } from '../../domain/errors/user.errors';
import { UserRepository } from '../../domain/repositories/user.repository';
import { Email } from '../../domain/value-objects/email';
import { PasswordPolicy } from '../../domain/value-objects/password-policy';
import {
  CurrentPasswordIncorrect,
  CurrentPasswordRequired,
  TooManyLoginAttempts,
} from '../errors/authentication.errors';
import { LoginAttempts } from '../ports/login-attempts.port';
import { PasswordHasher } from '../ports/password-hasher.port';
import { TokenStateNotifier } from '../ports/token-state-notifier.port';
import { UserSettings } from '../user-settings';

export interface UserChanges {
  name?: string;
  email?: string;
  password?: string;
  role?: Role;
  /** required when users change their own password or email; ignored otherwise */
  currentPassword?: string;
}

/**
 * PUT and PATCH (the DTOs decide which fields are required). Self or admin. Users changing
 * their own password or email prove it with their current password (admins changing someone
 * else do not). A password, email or role change bumps the user's token version in the same
 * transaction: every access token issued before it is refused from then on, and once it has
 * committed the services caching token states are told.
 */
@Injectable()
export class UpdateUserUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly attempts: LoginAttempts,
    private readonly settings: UserSettings,
    private readonly notifier: TokenStateNotifier,
  ) {}

  async execute(actor: Actor, id: string, changes: UserChanges): Promise<User> {
    if (actor.role !== 'admin' && actor.id !== id) throw new UserNotFound(id);
    const email = changes.email === undefined ? undefined : Email.parse(changes.email);
    if (changes.password !== undefined) PasswordPolicy.check(changes.password);
    const ownCredentials = actor.id === id;
    // Both KDF runs happen before the transaction: the row lock is not held for them.
    const provenHash = ownCredentials
      ? await this.proveCurrentPassword(id, email, changes)
      : undefined;
    const passwordHash =
      changes.password === undefined ? undefined : await this.hasher.hash(changes.password);

    let versionBefore = 0;
    const updated = await this.uow.run(async () => {
      const user = await this.users.findById(id, { forUpdate: true });
      if (!user || !user.isManageableBy(actor)) throw new UserNotFound(id);
      if (ownCredentials && needsProof(user, email, changes)) {
        // Checked again under the lock: the password proven may have been replaced meanwhile,
        // or the email changed so that this request now changes it.
        if (provenHash === undefined) throw new CurrentPasswordRequired();
        if (provenHash !== user.passwordHash) throw new CurrentPasswordIncorrect();
      }
      versionBefore = user.tokenVersion;
      const now = new Date();
      user.changeProfile({ name: changes.name, email }, now);
      if (changes.role !== undefined) user.changeRole(changes.role, actor, now);
      if (passwordHash !== undefined) user.changePasswordHash(passwordHash, now);
      await this.users.update(user);
      return user;
    });
    if (updated.tokenVersion !== versionBefore) {
      await this.notifier.changed(id, { tokenVersion: updated.tokenVersion, deleted: false });
    }
    return updated;
  }

  /**
   * The stored hash the current password was checked against, when this change needs one;
   * undefined when it does not. Wrong guesses count in the login failure budget of the email.
   */
  private async proveCurrentPassword(
    id: string,
    email: Email | undefined,
    changes: UserChanges,
  ): Promise<string | undefined> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFound(id);
    if (!needsProof(user, email, changes)) return undefined;
    if (changes.currentPassword === undefined) throw new CurrentPasswordRequired();

    const budgetKey = user.email.value;
    const decision = await this.attempts.begin(budgetKey, this.settings.loginThrottle);
    if (!decision.allowed) throw new TooManyLoginAttempts(decision.retryAfterSeconds);
    const check = await this.hasher.verify(changes.currentPassword, user.passwordHash);
    if (!check.matches) throw new CurrentPasswordIncorrect();
    await this.attempts.clear(budgetKey);
    return user.passwordHash;
  }
}

function needsProof(user: User, email: Email | undefined, changes: UserChanges): boolean {
  return changes.password !== undefined || user.changesEmail(email);
}
