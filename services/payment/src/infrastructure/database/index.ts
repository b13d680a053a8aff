import { paymentMigrations } from './migrations';
import { PaymentOrmEntity } from './payment.orm-entity';

/**
 * What PlatformModule, migrate.ts and the tests need to know about payment_db (the platform adds
 * the outbox, inbox and idempotency_keys tables).
 */
export const paymentDatabase = {
  entities: [PaymentOrmEntity],
  migrations: paymentMigrations,
};
