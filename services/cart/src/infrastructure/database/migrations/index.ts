import { CreateCarts1737200000000 } from './1737200000000-create-carts';

/** In order of application. */
export const cartMigrations = [CreateCarts1737200000000];
