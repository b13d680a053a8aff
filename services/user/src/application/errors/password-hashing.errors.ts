import { DomainError } from '@app/kernel';

/**
 * Every password-hashing slot (and its short wait queue) is taken: the request is refused at
 * once rather than queued behind the others, so logins stay fast under a burst of changes.
 */
export class PasswordHashingBusy extends DomainError {
  readonly kind = 'rate_limited' as const;
  readonly code = 'password_hashing_busy';

  constructor(override readonly retryAfterSeconds: number) {
    super('The server is busy checking other passwords. Try again shortly.');
  }
}
