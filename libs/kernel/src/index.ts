export * from './domain-error';
export * from './money';
export * from './unit-of-work';
export * from './messaging';
export * from './idempotency';
