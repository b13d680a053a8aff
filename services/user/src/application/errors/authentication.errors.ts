// Failures of authentication. They are not DomainErrors: @app/kernel's error kinds stop at
// 400/403/404/409/422/503, and these are 401 and 429. The auth controller's exception filter
// (interfaces/api/authentication-problem.filter.ts) turns them into problem+json.

/** The same error, message and code for an unknown email and for a wrong password. */
export class InvalidCredentials extends Error {
  readonly code = 'invalid_credentials';

  constructor() {
    super('The email or password is incorrect.');
    this.name = 'InvalidCredentials';
  }
}

export class TooManyLoginAttempts extends Error {
  readonly code = 'too_many_login_attempts';

  constructor(readonly retryAfterSeconds: number) {
    super('Too many failed logins for this email. Try again later.');
    this.name = 'TooManyLoginAttempts';
  }
}
