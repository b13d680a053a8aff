export * from './upstream-answer';
export * from './order.client';
export * from './product.client';
export * from './user.client';
