import { CreateOrders1737300000000 } from './1737300000000-create-orders';
import { CreateProcessedMessages1737300000001 } from './1737300000001-create-processed-messages';
import { CreateIdempotencyKeys1737300000002 } from './1737300000002-create-idempotency-keys';

/** In order of application. */
export const orderMigrations = [
  CreateOrders1737300000000,
  CreateProcessedMessages1737300000001,
  CreateIdempotencyKeys1737300000002,
];
