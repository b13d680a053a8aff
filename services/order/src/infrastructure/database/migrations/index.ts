import { CreateOrders1737300000000 } from './1737300000000-create-orders';
import { CreateProcessedMessages1737300000001 } from './1737300000001-create-processed-messages';
import { DropProcessedMessages1737300000003 } from './1737300000003-drop-processed-messages';
import { CreateOrderPlacements1737300000004 } from './1737300000004-create-order-placements';
import { CreatePendingCancellations1737300000005 } from './1737300000005-create-pending-cancellations';

/**
 * In order of application. CreateIdempotencyKeys1737300000002 created `idempotency_keys` until
 * the platform took the table over (CreateIdempotencyKeys1700000000001, IF NOT EXISTS): databases
 * that ran it keep its row in `migrations` and their table, unchanged. processed_messages, the
 * order's own inbox, was dropped when the platform's inbox took its place.
 */
export const orderMigrations = [
  CreateOrders1737300000000,
  CreateProcessedMessages1737300000001,
  DropProcessedMessages1737300000003,
  CreateOrderPlacements1737300000004,
  CreatePendingCancellations1737300000005,
];
