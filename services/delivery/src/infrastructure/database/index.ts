import { DeliveryOrmEntity } from './delivery.orm-entity';
import { deliveryMigrations } from './migrations';
import { OrderCancellationOrmEntity } from './order-cancellation.orm-entity';
import { PaidOrderOrmEntity } from './paid-order.orm-entity';

/**
 * What PlatformModule, migrate.ts and the tests need to know about delivery_db. The outbox and
 * inbox tables come with `messaging: true`.
 */
export const deliveryDatabase = {
  entities: [DeliveryOrmEntity, OrderCancellationOrmEntity, PaidOrderOrmEntity],
  migrations: deliveryMigrations,
};
