import { User } from '../../domain/entities/user';
import { UserRepository } from '../../domain/repositories/user.repository';
import { Email } from '../../domain/value-objects/email';
import { InvalidCredentials, TooManyLoginAttempts } from '../errors/authentication.errors';
import { PasswordHashingBusy } from '../errors/password-hashing.errors';
import { AccessTokenIssuer } from '../ports/access-token-issuer.port';
import { AttemptDecision, LoginAttempts } from '../ports/login-attempts.port';
import { PasswordCheck, PasswordHasher } from '../ports/password-hasher.port';
import { UserSettings } from '../user-settings';
import { LoginUseCase } from './login.use-case';

// In-memory fakes of the ports: the use case's decisions, without a database or a real KDF.
class FakeHasher extends PasswordHasher {
  calls: string[] = [];
  rehash = false;
  async hash(plain: string) {
    this.calls.push('hash');
    return `$fake$${plain}`;
  }
  async verify(plain: string, encoded: string): Promise<PasswordCheck> {
    this.calls.push('verify');
    const matches = encoded === `$fake$${plain}`;
    return { matches, needsRehash: matches && this.rehash };
  }
  async verifyNothing() {
    this.calls.push('verifyNothing');
  }
}

class FakeAttempts extends LoginAttempts {
  decision: AttemptDecision = { allowed: true };
  cleared: string[] = [];
  begun: string[] = [];
  async begin(email: string) {
    this.begun.push(email);
    return this.decision;
  }
  async clear(email: string) {
    this.cleared.push(email);
  }
  forgiven: string[] = [];
  async forgive(email: string) {
    this.forgiven.push(email);
  }
}

class FakeUsers {
  users: User[] = [];
  swapped: string[] = [];
  async findByEmail(email: Email) {
    return this.users.find((u) => u.email.equals(email)) ?? null;
  }
  async replacePasswordHash(_id: string, _old: string, next: string) {
    this.swapped.push(next);
    return true;
  }
}

class FakeTokens extends AccessTokenIssuer {
  async issue(subject: { id: string; role: string }) {
    return { token: `token-for-${subject.id}-${subject.role}`, expiresInSeconds: 900 };
  }
}

describe('LoginUseCase', () => {
  let hasher: FakeHasher;
  let attempts: FakeAttempts;
  let users: FakeUsers;
  let useCase: LoginUseCase;
  let ada: User;

  beforeEach(() => {
    hasher = new FakeHasher();
    attempts = new FakeAttempts();
    users = new FakeUsers();
    ada = User.register({
      name: 'Ada',
      email: Email.parse('ada@example.com'),
      passwordHash: '$fake$right password',
    });
    users.users.push(ada);
    const settings: UserSettings = {
      loginThrottle: { maxFailures: 5, windowSeconds: 900 },
      initialAdmin: null,
    };
    useCase = new LoginUseCase(
      users as unknown as UserRepository,
      hasher,
      attempts,
      new FakeTokens(),
      settings,
    );
  });

  it('issues a token for the right password, by normalised email, and clears the attempts', async () => {
    const issued = await useCase.execute({
      email: ' ADA@example.com ',
      password: 'right password',
    });
    expect(issued.token).toBe(`token-for-${ada.id}-customer`);
    expect(attempts.begun).toEqual(['ada@example.com']);
    expect(attempts.cleared).toEqual(['ada@example.com']);
  });

  it('fails alike for a wrong password and an unknown email, each after one KDF run', async () => {
    await expect(
      useCase.execute({ email: 'ada@example.com', password: 'wrong' }),
    ).rejects.toBeInstanceOf(InvalidCredentials);
    expect(hasher.calls).toEqual(['verify']);
    hasher.calls = [];
    await expect(
      useCase.execute({ email: 'nobody@example.com', password: 'wrong' }),
    ).rejects.toBeInstanceOf(InvalidCredentials);
    expect(hasher.calls).toEqual(['verifyNothing']);
    expect(attempts.cleared).toEqual([]);
  });

  it('checks no password once the email is throttled', async () => {
    attempts.decision = { allowed: false, retryAfterSeconds: 42 };
    const error = await useCase
      .execute({ email: 'ada@example.com', password: 'right password' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyLoginAttempts);
    expect((error as TooManyLoginAttempts).retryAfterSeconds).toBe(42);
    expect(hasher.calls).toEqual([]);
  });

  it('upgrades an outdated hash after a successful login', async () => {
    hasher.rehash = true;
    await useCase.execute({ email: 'ada@example.com', password: 'right password' });
    expect(users.swapped).toEqual(['$fake$right password']);
  });

  it('uncounts an attempt refused for want of a hashing slot, known email or not', async () => {
    const busy = new PasswordHashingBusy(1);
    hasher.verify = () => Promise.reject(busy);
    hasher.verifyNothing = () => Promise.reject(busy);
    for (const email of ['ada@example.com', 'nobody@example.com']) {
      await expect(useCase.execute({ email, password: 'right password' })).rejects.toBe(busy);
    }
    expect(attempts.forgiven).toEqual(['ada@example.com', 'nobody@example.com']);
    expect(attempts.cleared).toEqual([]);
  });
});
