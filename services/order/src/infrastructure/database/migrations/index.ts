import { CreateOrders1737300000000 } from './1737300000000-create-orders';
import { CreateProcessedMessages1737300000001 } from './1737300000001-create-processed-messages';

/**
 * In order of application. CreateIdempotencyKeys1737300000002 created `idempotency_keys` until
 * the platform took the table over (CreateIdempotencyKeys1700000000001, IF NOT EXISTS): databases
 * that ran it keep its row in `migrations` and their table, unchanged.
 */
export const orderMigrations = [CreateOrders1737300000000, CreateProcessedMessages1737300000001];
