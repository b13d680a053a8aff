export * from './common';
export * from './product';
