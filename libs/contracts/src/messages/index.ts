export * from './message-paths';
export * from './delivery-messages.dto';
export * from './payment-messages.dto';
