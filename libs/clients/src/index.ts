export * from './upstream-answer';
export * from './delivery.client';
export * from './order.client';
export * from './payment.client';
export * from './product.client';
export * from './user.client';
