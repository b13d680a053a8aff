import { DomainError } from '@app/kernel';

/** The same error, message and code for an unknown email and for a wrong password. */
export class InvalidCredentials extends DomainError {
  readonly kind = 'unauthorized' as const;
  readonly code = 'invalid_credentials';

  constructor() {
    super('The email or password is incorrect.');
  }
}

export class TooManyLoginAttempts extends DomainError {
  readonly kind = 'rate_limited' as const;
  readonly code = 'too_many_login_attempts';

  constructor(override readonly retryAfterSeconds: number) {
    super('Too many failed logins for this email. Try again later.');
  }
}
