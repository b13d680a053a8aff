export interface PasswordCheck {
  matches: boolean;
  /** the hash was made with weaker parameters than today's: store a fresh one */
  needsRehash: boolean;
}

/**
 * Port for the password KDF. Hashes are self-describing strings (algorithm, parameters, salt,
 * digest), so parameters can be raised without invalidating stored hashes.
 */
export abstract class PasswordHasher {
  abstract hash(plain: string): Promise<string>;
  abstract verify(plain: string, encoded: string): Promise<PasswordCheck>;
  /**
   * Spends the time of one verification against no user, so that a login for an unknown email
   * takes as long as one with a wrong password.
   */
  abstract verifyNothing(plain: string): Promise<void>;
}
