import { DomainError } from '@app/kernel';

/** Also the answer for a user that exists but is not the caller's to see: no existence leak. */
export class UserNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'user_not_found';

  constructor(id: string) {
    super(`User ${id} not found`);
  }
}

/** Enforced by the unique index on lower(email), so it also holds between concurrent requests. */
export class EmailTaken extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'email_taken';

  constructor() {
    super('A user with this email already exists.');
  }
}

/** A user value breaks an invariant (the DTOs catch these first; this is the last guard). */
export class InvalidUser extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'invalid_user';

  constructor(field: string, message: string) {
    super(message, { errors: [{ field, message }] });
  }
}

export class RoleChangeForbidden extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'role_change_forbidden';

  constructor() {
    super('Only an admin may change a role.');
  }
}
