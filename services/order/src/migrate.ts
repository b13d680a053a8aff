// `npm run migrate`: apply order_db's pending migrations (its own, outbox and inbox) and exit.
import { runMigrations } from '@app/platform';
import { orderDatabase } from './infrastructure/database';

runMigrations({ service: 'order', env: process.env, ...orderDatabase, messaging: true }).catch(
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
