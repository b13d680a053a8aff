import { CreateProducts1736900000000 } from './1736900000000-create-products';
import { CreateStockReservations1736900000001 } from './1736900000001-create-stock-reservations';

/** In order of application. */
export const productMigrations = [
  CreateProducts1736900000000,
  CreateStockReservations1736900000001,
];
