export * from './cart';
export * from './common';
export * from './delivery';
export * from './order';
export * from './product';
export * from './user';
export * from './messages';
export * from './validation';
