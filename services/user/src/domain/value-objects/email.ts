import { InvalidUser } from '../errors/user.errors';

export const EMAIL_MAX = 254;

// A last-line shape check (one @, no spaces, a dot in the domain); the DTO applies the full
// address syntax before a value gets here.
const SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * An email address, trimmed and lower-cased: two addresses differing only in case are the same
 * user. (The database enforces the same rule with a unique index on lower(email).)
 */
export class Email {
  private constructor(readonly value: string) {}

  static normalise(raw: string): string {
    return raw.trim().toLowerCase();
  }

  static parse(raw: string): Email {
    const value = Email.normalise(raw);
    if (value.length === 0 || value.length > EMAIL_MAX || !SHAPE.test(value)) {
      throw new InvalidUser('email', 'email must be a valid email address');
    }
    return new Email(value);
  }

  /** From storage: written normalised, so not re-validated. */
  static restore(value: string): Email {
    return new Email(value);
  }

  equals(other: Email): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }
}
