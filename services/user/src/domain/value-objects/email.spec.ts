import { InvalidUser } from '../errors/user.errors';
import { Email } from './email';

describe('Email', () => {
  it('is trimmed and lower-cased, so case does not make a different address', () => {
    const email = Email.parse('  Ada.Lovelace@Example.COM\t');
    expect(email.value).toBe('ada.lovelace@example.com');
    expect(email.equals(Email.parse('ADA.LOVELACE@example.com'))).toBe(true);
    expect(Email.normalise(' X@Y.Z ')).toBe('x@y.z');
  });

  it.each([
    ['empty', '   '],
    ['without @', 'ada.example.com'],
    ['without a dot in the domain', 'ada@localhost'],
    ['with a space inside', 'ada lovelace@example.com'],
    ['with two @', 'ada@@example.com'],
    ['longer than 254 characters', `${'a'.repeat(245)}@example.com`],
  ])('refuses an address %s', (_label, raw) => {
    expect(() => Email.parse(raw)).toThrow(InvalidUser);
  });

  it('accepts a 254-character address', () => {
    const raw = `${'a'.repeat(242)}@example.com`;
    expect(raw).toHaveLength(254);
    expect(Email.parse(raw).value).toBe(raw);
  });
});
