import { Injectable, Logger } from '@nestjs/common';
import { UserRepository } from '../../domain/repositories/user.repository';
import { Email } from '../../domain/value-objects/email';
import { InvalidCredentials, TooManyLoginAttempts } from '../errors/authentication.errors';
import { PasswordHashingBusy } from '../errors/password-hashing.errors';
import { AccessTokenIssuer, IssuedToken } from '../ports/access-token-issuer.port';
import { LoginAttempts } from '../ports/login-attempts.port';
import { PasswordHasher } from '../ports/password-hasher.port';
import { UserSettings } from '../user-settings';

export interface LoginCommand {
  email: string;
  password: string;
}

/**
 * Email and password → access token. An unknown email and a wrong password fail the same way
 * (InvalidCredentials) after the same amount of work (one KDF run), and both count against
 * the email's attempt budget, so neither the answer, its timing nor the throttling tells
 * whether an account exists.
 */
@Injectable()
export class LoginUseCase {
  private readonly logger = new Logger('LoginUseCase');

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly attempts: LoginAttempts,
    private readonly tokens: AccessTokenIssuer,
    private readonly settings: UserSettings,
  ) {}

  async execute(command: LoginCommand): Promise<IssuedToken> {
    const email = Email.normalise(command.email);
    const decision = await this.attempts.begin(email, this.settings.loginThrottle);
    if (!decision.allowed) throw new TooManyLoginAttempts(decision.retryAfterSeconds);

    const user = await this.users.findByEmail(Email.restore(email));
    if (!user) {
      await this.forgivenIfBusy(email, this.hasher.verifyNothing(command.password));
      throw new InvalidCredentials();
    }
    const check = await this.forgivenIfBusy(
      email,
      this.hasher.verify(command.password, user.passwordHash),
    );
    if (!check.matches) throw new InvalidCredentials();

    await this.attempts.clear(email);
    if (check.needsRehash) await this.upgradeHash(user.id, user.passwordHash, command.password);
    return this.tokens.issue({ id: user.id, role: user.role, tokenVersion: user.tokenVersion });
  }

  /** A check refused for want of a hashing slot checked nothing: it is not a failed login. */
  private async forgivenIfBusy<T>(email: string, check: Promise<T>): Promise<T> {
    try {
      return await check;
    } catch (error) {
      if (error instanceof PasswordHashingBusy) {
        // Best effort: the answer stays the 429; at worst the attempt stays counted.
        await this.attempts
          .forgive(email)
          .catch((failure: unknown) =>
            this.logger.warn(
              { err_class: failure instanceof Error ? failure.constructor.name : typeof failure },
              'Login attempt not uncounted',
            ),
          );
      }
      throw error;
    }
  }

  /** Best effort: a failed upgrade must not fail a correct login; the next login tries again. */
  private async upgradeHash(userId: string, oldHash: string, password: string): Promise<void> {
    try {
      const newHash = await this.hasher.hash(password);
      await this.users.replacePasswordHash(userId, oldHash, newHash);
    } catch (error) {
      this.logger.warn(
        { err_class: error instanceof Error ? error.constructor.name : typeof error },
        'Password hash upgrade failed',
      );
    }
  }
}
