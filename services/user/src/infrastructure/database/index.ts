import { userMigrations } from './migrations';
import { SigningKeyOrmEntity } from './signing-key.orm-entity';
import { UserOrmEntity } from './user.orm-entity';

/** What PlatformModule, migrate.ts and the tests need to know about user_db. */
export const userDatabase = {
  entities: [UserOrmEntity, SigningKeyOrmEntity],
  migrations: userMigrations,
};
