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
  rateLimited: problem(429, 'rate-limited', 'ThrottlerException: Too Many Requests', LOGIN),
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

export const ROLE_CHANGE_FORBIDDEN = {
  type: ProblemDto,
  description: 'A customer tried to change a role (`role-change-forbidden`).',
  examples: named({ roleChange: EXAMPLES.roleChange }),
};

export const INVALID_CREDENTIALS = {
  type: ProblemDto,
  description: 'Wrong email or password (`invalid-credentials`), never saying which.',
  examples: named({ invalidCredentials: EXAMPLES.invalidCredentials }),
};

export const LOGIN_LIMITED = {
  type: ProblemDto,
  description:
    'Too many failed logins for this email (`too-many-login-attempts`) or too many requests ' +
    'from this IP (`rate-limited`); Retry-After says when to try again.',
  examples: named({ tooManyLogins: EXAMPLES.tooManyLogins, rateLimited: EXAMPLES.rateLimited }),
};
