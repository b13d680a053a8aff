export * from './upstream-answer';
export * from './product.client';
