import { CreatePayments1737500000000 } from './1737500000000-create-payments';
import { CreateCancelledOrders1737500000002 } from './1737500000002-create-cancelled-orders';

/**
 * In order of application (the platform adds the outbox and inbox and the idempotency_keys
 * migrations before these). CreateIdempotencyKeys1737500000001 created `idempotency_keys` until
 * the platform took the table over (CreateIdempotencyKeys1700000000001, IF NOT EXISTS): databases
 * that ran it keep its row in `migrations` and their table, unchanged.
 */
export const paymentMigrations = [CreatePayments1737500000000, CreateCancelledOrders1737500000002];
