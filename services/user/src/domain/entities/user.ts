import { randomUUID } from 'node:crypto';
import { InvalidUser, RoleChangeForbidden } from '../errors/user.errors';
import { Email } from '../value-objects/email';

export const NAME_MAX = 200;

export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: the authenticated user of a request. */
export interface Actor {
  id: string;
  role: Role;
}

export interface NewUser {
  name: string;
  email: Email;
  /** an encoded password hash from the PasswordHasher port (never a password) */
  passwordHash: string;
}

export interface UserState extends NewUser {
  id: string;
  role: Role;
  /**
   * Access tokens carry the version current when they were issued; a password, email or role
   * change bumps it, which makes every token issued before the change invalid everywhere.
   */
  tokenVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProfileChanges {
  name?: string;
  email?: Email;
}

/**
 * A registered user. Public registration only ever makes customers; admins come from the
 * configured initial admin or from an admin changing a role.
 */
export class User {
  private constructor(private state: UserState) {}

  static register(details: NewUser, now = new Date(), id: string = randomUUID()): User {
    return User.create(details, 'customer', now, id);
  }

  static registerAdmin(details: NewUser, now = new Date(), id: string = randomUUID()): User {
    return User.create(details, 'admin', now, id);
  }

  /** Rebuild from storage: the data was valid when written, so no re-validation. */
  static restore(state: UserState): User {
    return new User({ ...state });
  }

  private static create(details: NewUser, role: Role, now: Date, id: string): User {
    return new User({
      id,
      name: User.validName(details.name),
      email: details.email,
      passwordHash: User.validHash(details.passwordHash),
      role,
      tokenVersion: 0,
      createdAt: now,
      updatedAt: now,
    });
  }

  get id(): string {
    return this.state.id;
  }
  get name(): string {
    return this.state.name;
  }
  get email(): Email {
    return this.state.email;
  }
  get role(): Role {
    return this.state.role;
  }
  get passwordHash(): string {
    return this.state.passwordHash;
  }
  get tokenVersion(): number {
    return this.state.tokenVersion;
  }
  get createdAt(): Date {
    return this.state.createdAt;
  }
  get updatedAt(): Date {
    return this.state.updatedAt;
  }

  /** Admins manage everyone; a customer only themselves. */
  isManageableBy(actor: Actor): boolean {
    return actor.role === 'admin' || actor.id === this.state.id;
  }

  /** Would these changes replace the email (the sign-in identity)? The same address is not a change. */
  changesEmail(email: Email | undefined): boolean {
    return email !== undefined && !email.equals(this.state.email);
  }

  /** A new email revokes the user's tokens; a new name does not. */
  changeProfile(changes: ProfileChanges, now = new Date()): void {
    const name = changes.name === undefined ? this.state.name : User.validName(changes.name);
    const revoke = this.changesEmail(changes.email);
    const email = changes.email ?? this.state.email;
    this.state = { ...this.state, name, email, updatedAt: now };
    if (revoke) this.revokeTokens();
  }

  /** Only an admin changes a role; repeating the current role is not a change. */
  changeRole(role: Role, by: Actor, now = new Date()): void {
    if (role === this.state.role) return;
    if (by.role !== 'admin') throw new RoleChangeForbidden();
    this.state = { ...this.state, role, updatedAt: now };
    this.revokeTokens();
  }

  /** A new password revokes the user's tokens (even when it equals the old one). */
  changePasswordHash(passwordHash: string, now = new Date()): void {
    this.state = { ...this.state, passwordHash: User.validHash(passwordHash), updatedAt: now };
    this.revokeTokens();
  }

  private revokeTokens(): void {
    this.state = { ...this.state, tokenVersion: this.state.tokenVersion + 1 };
  }

  private static validName(raw: string): string {
    const name = raw.trim();
    if (name.length === 0 || name.length > NAME_MAX) {
      throw new InvalidUser('name', `name must be 1 to ${NAME_MAX} characters`);
    }
    return name;
  }

  private static validHash(hash: string): string {
    // A programming error, not user input: the hasher always returns an encoded hash.
    if (hash.length === 0) throw new Error('User needs an encoded password hash');
    return hash;
  }
}
