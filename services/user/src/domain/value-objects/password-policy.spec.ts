import { InvalidUser } from '../errors/user.errors';
import { PasswordPolicy } from './password-policy';

describe('PasswordPolicy', () => {
  it.each([
    ['8 characters', 'abcdefgh'],
    ['128 characters', 'x'.repeat(128)],
    ['spaces and symbols, no composition rules', '        '],
    ['8 emoji (code points, not UTF-16 units)', '🔑'.repeat(8)],
    ['128 emoji', '🔑'.repeat(128)],
  ])('accepts %s', (_label, password) => {
    expect(() => PasswordPolicy.check(password)).not.toThrow();
  });

  it.each([
    ['empty', ''],
    ['7 characters', 'abcdefg'],
    ['4 emoji (8 UTF-16 units)', '🔑'.repeat(4)],
    ['129 characters', 'x'.repeat(129)],
    ['129 emoji', '🔑'.repeat(129)],
    ['a megabyte', 'x'.repeat(1_000_000)],
  ])('refuses %s, naming the password field', (_label, password) => {
    let error: unknown;
    try {
      PasswordPolicy.check(password);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidUser);
    expect((error as InvalidUser).details).toEqual({
      errors: [{ field: 'password', message: 'password must be 8 to 128 characters long' }],
    });
  });
});
