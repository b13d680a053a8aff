// `npm run migrate`: apply user_db's pending migrations and exit.
import { runMigrations } from '@app/platform';
import { userDatabase } from './infrastructure/database';

runMigrations({ service: 'user', env: process.env, ...userDatabase }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
