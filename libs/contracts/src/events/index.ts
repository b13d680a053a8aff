export * from './event-envelope';
export * from './event-payloads';
export * from './event-catalogue';
