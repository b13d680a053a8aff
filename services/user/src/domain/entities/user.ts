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

  changeProfile(changes: ProfileChanges, now = new Date()): void {
    const name = changes.name === undefined ? this.state.name : User.validName(changes.name);
    const email = changes.email ?? this.state.email;
    this.state = { ...this.state, name, email, updatedAt: now };
  }

  /** Only an admin changes a role; repeating the current role is not a change. */
  changeRole(role: Role, by: Actor, now = new Date()): void {
    if (role === this.state.role) return;
    if (by.role !== 'admin') throw new RoleChangeForbidden();
    this.state = { ...this.state, role, updatedAt: now };
  }

  changePasswordHash(passwordHash: string, now = new Date()): void {
    this.state = { ...this.state, passwordHash: User.validHash(passwordHash), updatedAt: now };
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
