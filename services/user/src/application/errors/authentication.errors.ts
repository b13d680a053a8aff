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

/** Changing one's own password or email needs the current password: a stolen token is not enough. */
export class CurrentPasswordRequired extends DomainError {
  readonly kind = 'invalid' as const;
  readonly code = 'current_password_required';

  constructor() {
    const message = 'current_password is required to change your own password or email';
    super(message, { errors: [{ field: 'current_password', message }] });
  }
}

/**
 * 403, not 401: the bearer token is fine (a client must not log the user out over a typo), the
 * proof offered for this change is not. It says no more than a failed login: the password is
 * wrong, after the same KDF work, counted in the same per-email failure budget as logins.
 */
export class CurrentPasswordIncorrect extends DomainError {
  readonly kind = 'forbidden' as const;
  readonly code = 'current_password_incorrect';

  constructor() {
    super('The current password is incorrect.');
  }
}
