export * from './create-test-database';
export * from './test-token-issuer';
export * from './test-env';
export * from './start-test-service';
export * from './capture-logs';
export * from './contract-check';
export * from './env-schema-cases';
export * from './tcp-proxy';
