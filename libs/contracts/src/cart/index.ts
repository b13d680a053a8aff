export * from './add-cart-item.dto';
export * from './cart-limits';
export * from './cart-response.dto';
export * from './checkout.dto';
export * from './update-cart-item.dto';
