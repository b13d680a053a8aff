export * from './create-delivery.dto';
export * from './delivery-limits';
export * from './delivery-response.dto';
export * from './list-deliveries-query.dto';
export * from './stop-delivery.dto';
export * from './update-delivery-status.dto';
