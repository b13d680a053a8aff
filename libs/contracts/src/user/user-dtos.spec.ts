import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { LoginDto } from './login.dto';
import { RegisterUserDto } from './register-user.dto';
import { ReplaceUserDto } from './replace-user.dto';
import { UpdateUserDto } from './update-user.dto';

// The same options the platform's global ValidationPipe uses.
function failingFields<T extends object>(cls: new () => T, plain: object): string[] {
  const instance = plainToInstance(cls, plain);
  return validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }).map(
    (e) => e.property,
  );
}

const valid = { name: ' Ada ', email: '  Ada@Example.COM ', password: 'long enough' };

describe('RegisterUserDto', () => {
  it('accepts a valid registration, trimming the name and normalising the email', () => {
    expect(failingFields(RegisterUserDto, valid)).toEqual([]);
    const dto = plainToInstance(RegisterUserDto, valid);
    expect(dto.name).toBe('Ada');
    expect(dto.email).toBe('ada@example.com');
    expect(dto.password).toBe('long enough');
  });

  it('counts password characters as code points: 8 emoji are 8 characters', () => {
    expect(failingFields(RegisterUserDto, { ...valid, password: '🔑'.repeat(8) })).toEqual([]);
    expect(failingFields(RegisterUserDto, { ...valid, password: '🔑'.repeat(128) })).toEqual([]);
    expect(failingFields(RegisterUserDto, { ...valid, password: '🔑'.repeat(129) })).toEqual([
      'password',
    ]);
  });

  it.each([
    ['password', { password: 'short' }],
    ['password', { password: 'x'.repeat(129) }],
    ['password', { password: 12345678 }],
    ['password', { password: undefined }],
    ['email', { email: 'not-an-email' }],
    ['email', { email: `${'a'.repeat(250)}@example.com` }],
    ['name', { name: '   ' }],
    ['name', { name: 'x'.repeat(201) }],
    ['role', { role: 'admin' }],
    ['id', { id: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f' }],
  ])('rejects %s (%#)', (field, patch) => {
    expect(failingFields(RegisterUserDto, { ...valid, ...patch })).toEqual([field]);
  });
});

describe('ReplaceUserDto and UpdateUserDto', () => {
  it('requires name and email on PUT, not on PATCH', () => {
    expect(failingFields(ReplaceUserDto, { password: 'long enough' }).sort()).toEqual([
      'email',
      'name',
    ]);
    expect(failingFields(UpdateUserDto, { password: 'long enough' })).toEqual([]);
    expect(failingFields(UpdateUserDto, {})).toEqual([]);
  });

  it('takes current_password as an optional 1-128 character string', () => {
    expect(
      failingFields(UpdateUserDto, { password: 'long enough', current_password: 'x' }),
    ).toEqual([]);
    expect(failingFields(UpdateUserDto, { current_password: '' })).toEqual(['current_password']);
    expect(failingFields(UpdateUserDto, { current_password: 'x'.repeat(129) })).toEqual([
      'current_password',
    ]);
    expect(failingFields(UpdateUserDto, { current_password: 12345678 })).toEqual([
      'current_password',
    ]);
  });

  it.each(['name', 'email', 'password', 'role', 'current_password'])(
    'refuses null for %s on PATCH (omitted is fine, null is not)',
    (field) => {
      expect(failingFields(UpdateUserDto, { [field]: null })).toEqual([field]);
    },
  );

  it.each(['password', 'role', 'current_password'])('refuses null for %s on PUT', (field) => {
    expect(failingFields(ReplaceUserDto, { name: 'Ada', email: 'a@b.io', [field]: null })).toEqual([
      field,
    ]);
  });

  it('accepts a known role and refuses others', () => {
    expect(failingFields(UpdateUserDto, { role: 'admin' })).toEqual([]);
    expect(failingFields(UpdateUserDto, { role: 'root' })).toEqual(['role']);
  });
});

describe('LoginDto', () => {
  it('normalises the email and bounds the password', () => {
    expect(plainToInstance(LoginDto, { email: ' A@B.io ', password: 'x' }).email).toBe('a@b.io');
    expect(failingFields(LoginDto, { email: 'a@b.io', password: 'x' })).toEqual([]);
    expect(failingFields(LoginDto, { email: 'a@b.io', password: '' })).toEqual(['password']);
    expect(failingFields(LoginDto, { email: 'a@b.io', password: 'x'.repeat(129) })).toEqual([
      'password',
    ]);
  });
});
