// `npm run migrate`: apply product_db's pending migrations (its own, the outbox and inbox) and
// exit.
import { runMigrations } from '@app/platform';
import { productDatabase } from './infrastructure/database';

runMigrations({ service: 'product', env: process.env, ...productDatabase, messaging: true }).catch(
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
