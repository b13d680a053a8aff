import { User } from '../entities/user';
import { Email } from '../value-objects/email';

export interface UserPage {
  items: User[];
  total: number;
}

/**
 * Port for users. Every method joins the caller's unit of work when one is running.
 * `insert` and `update` throw EmailTaken when the email belongs to another user.
 */
export abstract class UserRepository {
  /** `forUpdate` locks the row until the unit of work ends. */
  abstract findById(id: string, options?: { forUpdate?: boolean }): Promise<User | null>;
  abstract findByEmail(email: Email): Promise<User | null>;
  /** The user's current token version; null when there is no such user (never was, or deleted). */
  abstract tokenVersionOf(id: string): Promise<number | null>;
  abstract insert(user: User): Promise<void>;
  /** Inserts unless the email is taken; false (and no change) when it was. */
  abstract insertIfEmailFree(user: User): Promise<boolean>;
  abstract update(user: User): Promise<void>;
  /**
   * Swaps the hash only if it is still `currentHash` (a concurrent password change wins);
   * false when it was not swapped.
   */
  abstract replacePasswordHash(id: string, currentHash: string, newHash: string): Promise<boolean>;
  /** False when there was nothing to delete. */
  abstract delete(id: string): Promise<boolean>;
  /** Ordered by creation time, then id. */
  abstract list(page: { limit: number; offset: number }): Promise<UserPage>;
}
