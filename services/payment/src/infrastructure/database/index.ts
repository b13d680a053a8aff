import { IdempotencyKeyOrmEntity } from './idempotency-key.orm-entity';
import { paymentMigrations } from './migrations';
import { PaymentOrmEntity } from './payment.orm-entity';

/** What PlatformModule, migrate.ts and the tests need to know about payment_db. */
export const paymentDatabase = {
  entities: [PaymentOrmEntity, IdempotencyKeyOrmEntity],
  migrations: paymentMigrations,
};
