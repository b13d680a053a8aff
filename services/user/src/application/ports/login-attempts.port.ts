export interface LoginThrottlePolicy {
  /** failed logins allowed per email within the window */
  maxFailures: number;
  windowSeconds: number;
}

export type AttemptDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Port for counting login attempts per email, shared by every instance and kept across
 * restarts. An attempt is counted before the password is checked (so concurrent guesses cannot
 * all slip through) and the count is cleared by a successful login: what remains counted are
 * the failures.
 */
export abstract class LoginAttempts {
  abstract begin(email: string, policy: LoginThrottlePolicy): Promise<AttemptDecision>;
  abstract clear(email: string): Promise<void>;
  /** Uncounts one attempt that never checked a password (refused as busy): not a failure. */
  abstract forgive(email: string): Promise<void>;
}
