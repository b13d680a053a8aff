// `npm run migrate`: apply payment_db's pending migrations (the outbox and inbox and the
// idempotency keys included) and exit.
import { runMigrations, withIdempotency } from '@app/platform';
import { paymentDatabase } from './infrastructure/database';

runMigrations({
  service: 'payment',
  env: process.env,
  messaging: true,
  ...withIdempotency(paymentDatabase),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
