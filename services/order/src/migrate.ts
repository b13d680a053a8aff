// `npm run migrate`: apply order_db's pending migrations (its own, outbox and inbox, idempotency
// keys) and exit.
import { runMigrations, withIdempotency } from '@app/platform';
import { orderDatabase } from './infrastructure/database';

runMigrations({
  service: 'order',
  env: process.env,
  ...withIdempotency(orderDatabase),
  messaging: true,
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
