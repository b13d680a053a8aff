import { orderMigrations } from './migrations';
import { OrderEventOrmEntity } from './order-event.orm-entity';
import { OrderItemOrmEntity } from './order-item.orm-entity';
import { OrderOrmEntity } from './order.orm-entity';
import { PendingCancellationOrmEntity } from './pending-cancellation.orm-entity';

/**
 * What PlatformModule, migrate.ts and the tests need to know about order_db (the platform adds
 * the outbox, inbox and idempotency_keys tables).
 */
export const orderDatabase = {
  entities: [OrderOrmEntity, OrderItemOrmEntity, OrderEventOrmEntity, PendingCancellationOrmEntity],
  migrations: orderMigrations,
};
