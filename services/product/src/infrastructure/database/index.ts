import { productMigrations } from './migrations';
import { ProductOrmEntity } from './product.orm-entity';
import { StockReservationItemOrmEntity } from './stock-reservation-item.orm-entity';
import { StockReservationOrmEntity } from './stock-reservation.orm-entity';

/**
 * What PlatformModule, migrate.ts and the tests need to know about product_db (the outbox and
 * inbox tables come with `messaging: true`).
 */
export const productDatabase = {
  entities: [ProductOrmEntity, StockReservationOrmEntity, StockReservationItemOrmEntity],
  migrations: productMigrations,
};
