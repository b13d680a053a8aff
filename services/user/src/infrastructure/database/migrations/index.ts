import { CreateUsers1737100000000 } from './1737100000000-create-users';
import { CreateSigningKeys1737100000001 } from './1737100000001-create-signing-keys';
import { CreateLoginAttempts1737100000002 } from './1737100000002-create-login-attempts';
import { AddTokenVersion1737100000003 } from './1737100000003-add-token-version';

/** In order of application. */
export const userMigrations = [
  CreateUsers1737100000000,
  CreateSigningKeys1737100000001,
  CreateLoginAttempts1737100000002,
  AddTokenVersion1737100000003,
];
