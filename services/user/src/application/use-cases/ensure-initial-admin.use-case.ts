import { Injectable } from '@nestjs/common';
import { User } from '../../domain/entities/user';
import { UserRepository } from '../../domain/repositories/user.repository';
import { Email } from '../../domain/value-objects/email';
import { PasswordPolicy } from '../../domain/value-objects/password-policy';
import { PasswordHasher } from '../ports/password-hasher.port';
import { UserSettings } from '../user-settings';

export type InitialAdminOutcome = 'created' | 'present' | 'not_configured';

/**
 * The admin from ADMIN_EMAIL / ADMIN_PASSWORD: created when no user has that email, left
 * exactly as it is otherwise (its password, name and role are the admin's business once it
 * exists). Two instances starting together cannot create it twice: the insert is skipped on
 * the email's unique index.
 */
@Injectable()
export class EnsureInitialAdminUseCase {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly settings: UserSettings,
  ) {}

  async execute(): Promise<InitialAdminOutcome> {
    const admin = this.settings.initialAdmin;
    if (!admin) return 'not_configured';
    const email = Email.parse(admin.email);
    if (await this.users.findByEmail(email)) return 'present';
    PasswordPolicy.check(admin.password);
    const passwordHash = await this.hasher.hash(admin.password);
    const user = User.registerAdmin({ name: admin.name, email, passwordHash });
    return (await this.users.insertIfEmailFree(user)) ? 'created' : 'present';
  }
}
