// `npm run migrate`: apply payment_db's pending migrations (the outbox and inbox included) and exit.
import { runMigrations } from '@app/platform';
import { paymentDatabase } from './infrastructure/database';

runMigrations({ service: 'payment', env: process.env, messaging: true, ...paymentDatabase }).catch(
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
