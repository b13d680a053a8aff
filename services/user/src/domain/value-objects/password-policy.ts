import { InvalidUser } from '../errors/user.errors';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/**
 * What a new password must satisfy (NIST SP 800-63B): a length from 8 to 128 characters,
 * counted as Unicode code points, any characters allowed, no composition rules. The maximum
 * keeps a client from making the server hash a megabyte.
 */
export const PasswordPolicy = {
  check(plain: string): void {
    // Cheap bound first: more than 2*max UTF-16 units cannot be at most max code points.
    const length = plain.length > PASSWORD_MAX * 2 ? Infinity : [...plain].length;
    if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
      throw new InvalidUser(
        'password',
        `password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long`,
      );
    }
  },
};
