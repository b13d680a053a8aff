import { CreatePayments1737500000000 } from './1737500000000-create-payments';
import { CreateIdempotencyKeys1737500000001 } from './1737500000001-create-idempotency-keys';

/** In order of application (the platform adds the outbox and inbox migration before these). */
export const paymentMigrations = [CreatePayments1737500000000, CreateIdempotencyKeys1737500000001];
