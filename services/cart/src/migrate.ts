// `npm run migrate`: apply cart_db's pending migrations and exit.
import { runMigrations } from '@app/platform';
import { cartDatabase } from './infrastructure/database';

runMigrations({ service: 'cart', env: process.env, ...cartDatabase }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
