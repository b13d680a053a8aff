import { ProblemDto } from '@app/contracts';
import { namedProblemExamples as named, problemExample as problem } from '@app/platform';

export const USER_ID_EXAMPLE = '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f';
const USER = `/api/v1/users/${USER_ID_EXAMPLE}`;
const LOGIN = '/api/v1/auth/login';

export const EXAMPLES = {
  userNotFound: problem(404, 'user-not-found', `User ${USER_ID_EXAMPLE} not found`, USER),
  meDeleted: problem(404, 'user-not-found', `User ${USER_ID_EXAMPLE} not found`, '/api/v1/auth/me'),
  internalNotFound: problem(
    404,
    'user-not-found',
    `User ${USER_ID_EXAMPLE} not found`,
    `/api/v1/internal/users/${USER_ID_EXAMPLE}`,
  ),
  emailTaken: problem(
    409,
    'email-taken',
    'A user with this email already exists.',
    '/api/v1/users',
  ),
  roleChange: problem(403, 'role-change-forbidden', 'Only an admin may change a role.', USER),
  invalidCredentials: problem(
    401,
    'invalid-credentials',
    'The email or password is incorrect.',
    LOGIN,
  ),
  tooManyLogins: problem(
    429,
    'too-many-login-attempts',
    'Too many failed logins for this email. Try again later.',
    LOGIN,
  ),
  authLimited: problem(
    429,
    'rate-limited',
    'Too many login, registration or password-change requests from this address. Try again later.',
    LOGIN,
  ),
  hashingBusy: problem(
    429,
    'password-hashing-busy',
    'The server is busy checking other passwords. Try again shortly.',
    LOGIN,
  ),
  changeLimited: problem(
    429,
    'rate-limited',
    'Too many login, registration or password-change requests for this account. Try again later.',
    USER,
  ),
  changeHashingBusy: problem(
    429,
    'password-hashing-busy',
    'The server is busy checking other passwords. Try again shortly.',
    USER,
  ),
  currentPasswordRequired: problem(
    400,
    'current-password-required',
    'current_password is required to change your own password or email',
    USER,
    {
      errors: [
        {
          field: 'current_password',
          message: 'current_password is required to change your own password or email',
        },
      ],
    },
  ),
  currentPasswordIncorrect: problem(
    403,
    'current-password-incorrect',
    'The current password is incorrect.',
    USER,
  ),
};

export const USER_NOT_FOUND = {
  type: ProblemDto,
  description: 'No such user, or another user than the caller (for a customer).',
  examples: named({ userNotFound: EXAMPLES.userNotFound }),
};

export const INTERNAL_USER_NOT_FOUND = {
  type: ProblemDto,
  description: 'No such user (`user-not-found`).',
  examples: named({ userNotFound: EXAMPLES.internalNotFound }),
};

export const ME_NOT_FOUND = {
  type: ProblemDto,
  description: 'The token is valid but its user has been deleted since.',
  examples: named({ userNotFound: EXAMPLES.meDeleted }),
};

export const EMAIL_TAKEN = {
  type: ProblemDto,
  description: 'Another user has this email, in any letter case (`email-taken`).',
  examples: named({ emailTaken: EXAMPLES.emailTaken }),
};

export const CHANGE_FORBIDDEN = {
  type: ProblemDto,
  description:
    'A customer tried to change a role (`role-change-forbidden`), or the `current_password` ' +
    'is wrong (`current-password-incorrect`).',
  examples: named({
    roleChange: EXAMPLES.roleChange,
    currentPasswordIncorrect: EXAMPLES.currentPasswordIncorrect,
  }),
};

export const CHANGE_BAD_REQUEST = {
  type: ProblemDto,
  description:
    'Invalid input or an unknown field (`validation-error`, `errors` names the fields), or an ' +
    'own password or email change without `current_password` (`current-password-required`).',
  examples: named({ currentPasswordRequired: EXAMPLES.currentPasswordRequired }),
};

export const CHANGE_LIMITED = {
  type: ProblemDto,
  description:
    'With `password` or `current_password`: too many password requests from this IP or for ' +
    'this user (`rate-limited`), too many wrong `current_password` (`too-many-login-attempts`), ' +
    'or every password-hashing slot busy (`password-hashing-busy`); see Retry-After.',
  examples: named({
    rateLimited: EXAMPLES.changeLimited,
    hashingBusy: EXAMPLES.changeHashingBusy,
  }),
};

export const INVALID_CREDENTIALS = {
  type: ProblemDto,
  description: 'Wrong email or password (`invalid-credentials`), never saying which.',
  examples: named({ invalidCredentials: EXAMPLES.invalidCredentials }),
};

export const LOGIN_LIMITED = {
  type: ProblemDto,
  description:
    'Too many failed logins for this email (`too-many-login-attempts`), too many password ' +
    'requests from this IP or for this email (`rate-limited`), or every password-hashing ' +
    'slot busy (`password-hashing-busy`); Retry-After says when to try again.',
  examples: named({
    tooManyLogins: EXAMPLES.tooManyLogins,
    rateLimited: EXAMPLES.authLimited,
    hashingBusy: EXAMPLES.hashingBusy,
  }),
};
