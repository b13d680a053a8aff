import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, loadConfigs } from '@app/platform';
import { AccessTokenIssuer } from './application/ports/access-token-issuer.port';
import { LoginAttempts } from './application/ports/login-attempts.port';
import { PasswordHasher } from './application/ports/password-hasher.port';
import { SigningKeys } from './application/ports/signing-keys.port';
import { DeleteUserUseCase } from './application/use-cases/delete-user.use-case';
import { EnsureInitialAdminUseCase } from './application/use-cases/ensure-initial-admin.use-case';
import { GetTokenStateUseCase } from './application/use-cases/get-token-state.use-case';
import { GetPublishedKeysUseCase } from './application/use-cases/get-published-keys.use-case';
import { GetUserUseCase } from './application/use-cases/get-user.use-case';
import { ListUsersUseCase } from './application/use-cases/list-users.use-case';
import { LoginUseCase } from './application/use-cases/login.use-case';
import { LookUpUserUseCase } from './application/use-cases/look-up-user.use-case';
import { RegisterUserUseCase } from './application/use-cases/register-user.use-case';
import { RotateSigningKeyUseCase } from './application/use-cases/rotate-signing-key.use-case';
import { UpdateUserUseCase } from './application/use-cases/update-user.use-case';
import { UserSettings } from './application/user-settings';
import { UserRepository } from './domain/repositories/user.repository';
import { UserConfig, loadUserConfig } from './infrastructure/config/user.config';
import { userDatabase } from './infrastructure/database';
import { TypeormLoginAttempts } from './infrastructure/repositories/typeorm-login-attempts';
import { TypeormUserRepository } from './infrastructure/repositories/typeorm-user.repository';
import { DatabaseTokenStateSource } from './infrastructure/security/database-token-state-source';
import { ConfiguredSigningKeyStore } from './infrastructure/security/configured-signing-key-store';
import { DatabaseSigningKeyStore } from './infrastructure/security/database-signing-key-store';
import { JoseAccessTokenIssuer } from './infrastructure/security/jose-access-token-issuer';
import { ScryptPasswordHasher } from './infrastructure/security/scrypt-password-hasher';
import { SigningKeyStore } from './infrastructure/security/signing-key-store';
import { AuthRateLimitGuard } from './interfaces/api/auth-rate-limit.guard';
import { AuthController } from './interfaces/api/auth.controller';
import { InternalTokenStateController } from './interfaces/api/internal-token-state.controller';
import { InternalUsersController } from './interfaces/api/internal-users.controller';
import { UsersController } from './interfaces/api/users.controller';
import { UserStartup } from './interfaces/startup/user-startup';
import { TokenStateNotifier } from './application/ports/token-state-notifier.port';
import { tokenStateSubscribers } from './infrastructure/config/token-state-subscribers';
import {
  HttpTokenStateNotifier,
  TOKEN_STATE_SUBSCRIBER_NAMES,
} from './infrastructure/notifications/http-token-state-notifier';

/** Composition root of the user service: binds each port to its adapter. */
@Module({})
export class UserModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    // Every variable is checked before the start stops; the platform's problems come first.
    // Tokens on the user service's own routes are judged by its own database, at once.
    const subscribers = tokenStateSubscribers(env);
    const [platform, config] = loadConfigs(
      () =>
        PlatformModule.forRoot({
          service: 'user',
          env,
          database: userDatabase,
          tokenStateSource: DatabaseTokenStateSource,
          // the services told at once when a user's tokens change
          upstreams: subscribers,
        }),
      () => loadUserConfig(env),
    );
    return {
      module: UserModule,
      imports: [platform],
      controllers: [
        UsersController,
        AuthController,
        InternalUsersController,
        InternalTokenStateController,
      ],
      providers: [
        { provide: UserConfig, useValue: config },
        { provide: UserSettings, useValue: config satisfies UserSettings },
        { provide: UserRepository, useClass: TypeormUserRepository },
        { provide: LoginAttempts, useClass: TypeormLoginAttempts },
        { provide: PasswordHasher, useClass: ScryptPasswordHasher },
        {
          provide: SigningKeyStore,
          useClass: config.configuredKeys ? ConfiguredSigningKeyStore : DatabaseSigningKeyStore,
        },
        { provide: SigningKeys, useExisting: SigningKeyStore },
        { provide: AccessTokenIssuer, useClass: JoseAccessTokenIssuer },
        { provide: TOKEN_STATE_SUBSCRIBER_NAMES, useValue: subscribers },
        { provide: TokenStateNotifier, useClass: HttpTokenStateNotifier },
        AuthRateLimitGuard,
        RegisterUserUseCase,
        GetUserUseCase,
        LookUpUserUseCase,
        GetTokenStateUseCase,
        ListUsersUseCase,
        UpdateUserUseCase,
        DeleteUserUseCase,
        LoginUseCase,
        EnsureInitialAdminUseCase,
        GetPublishedKeysUseCase,
        RotateSigningKeyUseCase,
        UserStartup,
      ],
    };
  }
}
