// `npm run migrate`: apply delivery_db's pending migrations (the outbox and inbox tables
// included) and exit.
import { runMigrations } from '@app/platform';
import { deliveryDatabase } from './infrastructure/database';

runMigrations({
  service: 'delivery',
  env: process.env,
  messaging: true,
  ...deliveryDatabase,
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
