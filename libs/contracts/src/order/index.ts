export * from './create-order.dto';
export * from './list-orders-query.dto';
export * from './order-event.dto';
export * from './order-limits';
export * from './order-response.dto';
