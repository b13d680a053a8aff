import { InvalidUser, RoleChangeForbidden } from '../errors/user.errors';
import { Email } from '../value-objects/email';
import { Actor, NewUser, User } from './user';

const HASH = '$scrypt$ln=12,r=8,p=1$c2FsdA$aGFzaA';
const details: NewUser = {
  name: '  Ada Lovelace ',
  email: Email.parse(' Ada@Example.COM '),
  passwordHash: HASH,
};

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidUser) {
      return (error.details?.errors as { field: string }[])[0].field;
    }
    throw error;
  }
  return undefined;
}

describe('User', () => {
  it('registers a customer with a trimmed name, normalised email, an id and equal timestamps', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    const user = User.register(details, now);
    expect(user.role).toBe('customer');
    expect(user.name).toBe('Ada Lovelace');
    expect(user.email.value).toBe('ada@example.com');
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user.createdAt).toEqual(now);
    expect(user.updatedAt).toEqual(now);
    expect(user.passwordHash).toBe(HASH);
  });

  it('makes an admin only through registerAdmin', () => {
    expect(User.registerAdmin(details).role).toBe('admin');
  });

  it.each([
    ['empty', '   '],
    ['too long', 'x'.repeat(201)],
  ])('refuses a name that is %s', (_label, name) => {
    expect(fieldOf(() => User.register({ ...details, name }))).toBe('name');
  });

  it('accepts a 200-character name', () => {
    expect(User.register({ ...details, name: 'x'.repeat(200) }).name).toHaveLength(200);
  });

  it('refuses to be built without a password hash', () => {
    expect(() => User.register({ ...details, passwordHash: '' })).toThrow();
  });

  describe('access', () => {
    const user = User.register(details);
    it('is manageable by itself and by any admin, not by another customer', () => {
      expect(user.isManageableBy({ id: user.id, role: 'customer' })).toBe(true);
      expect(user.isManageableBy({ id: 'someone-else', role: 'admin' })).toBe(true);
      expect(user.isManageableBy({ id: 'someone-else', role: 'customer' })).toBe(false);
    });
  });

  describe('changes', () => {
    it('changes the profile, validating it, and bumps updated_at only', () => {
      const created = new Date('2025-01-01T00:00:00Z');
      const later = new Date('2025-01-02T00:00:00Z');
      const user = User.register(details, created);
      user.changeProfile({ name: ' Ada King ', email: Email.parse('KING@example.com') }, later);
      expect(user.name).toBe('Ada King');
      expect(user.email.value).toBe('king@example.com');
      expect(user.createdAt).toEqual(created);
      expect(user.updatedAt).toEqual(later);
      expect(fieldOf(() => user.changeProfile({ name: '' }))).toBe('name');
      expect(user.name).toBe('Ada King');
    });

    it('lets only an admin change a role; repeating the own role is allowed', () => {
      const user = User.register(details);
      const self: Actor = { id: user.id, role: 'customer' };
      expect(() => user.changeRole('admin', self)).toThrow(RoleChangeForbidden);
      expect(user.role).toBe('customer');
      expect(() => user.changeRole('customer', self)).not.toThrow();
      user.changeRole('admin', { id: 'an-admin', role: 'admin' });
      expect(user.role).toBe('admin');
    });

    it('replaces the password hash', () => {
      const user = User.register(details);
      user.changePasswordHash('$scrypt$ln=17,r=8,p=1$bmV3$bmV3');
      expect(user.passwordHash).toContain('ln=17');
    });
  });

  describe('token version', () => {
    const admin: Actor = { id: 'an-admin', role: 'admin' };

    it('starts at 0 and is bumped by a password, an email and a role change', () => {
      const user = User.register(details);
      expect(user.tokenVersion).toBe(0);
      user.changePasswordHash('$scrypt$ln=17,r=8,p=1$bmV3$bmV3');
      expect(user.tokenVersion).toBe(1);
      user.changeProfile({ email: Email.parse('new@example.com') });
      expect(user.tokenVersion).toBe(2);
      user.changeRole('admin', admin);
      expect(user.tokenVersion).toBe(3);
    });

    it('is not bumped by a name change, the same email in another case or the same role', () => {
      const user = User.register(details);
      user.changeProfile({ name: 'Ada King', email: Email.parse('ADA@example.com') });
      user.changeRole('customer', admin);
      expect(user.tokenVersion).toBe(0);
      expect(user.changesEmail(Email.parse('ada@EXAMPLE.com'))).toBe(false);
      expect(user.changesEmail(undefined)).toBe(false);
      expect(user.changesEmail(Email.parse('other@example.com'))).toBe(true);
    });
  });
});
