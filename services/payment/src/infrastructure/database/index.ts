import { paymentMigrations } from './migrations';
import { CancelledOrderOrmEntity } from './cancelled-order.orm-entity';
import { PaymentOrmEntity } from './payment.orm-entity';

/**
 * What PlatformModule, migrate.ts and the tests need to know about payment_db (the platform adds
 * the outbox, inbox and idempotency_keys tables).
 */
export const paymentDatabase = {
  entities: [PaymentOrmEntity, CancelledOrderOrmEntity],
  migrations: paymentMigrations,
};
