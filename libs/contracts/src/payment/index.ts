export * from './card.dto';
export * from './list-payments-query.dto';
export * from './payment-limits';
export * from './payment-response.dto';
export * from './process-payment.dto';
