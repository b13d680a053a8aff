import { CartItemOrmEntity } from './cart-item.orm-entity';
import { CartOrmEntity } from './cart.orm-entity';
import { cartMigrations } from './migrations';

/** What PlatformModule, migrate.ts and the tests need to know about cart_db. */
export const cartDatabase = {
  entities: [CartOrmEntity, CartItemOrmEntity],
  migrations: cartMigrations,
};
