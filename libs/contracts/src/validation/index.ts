export * from './validate-order.dto';
export * from './validation-codes';
export * from './validation-result.dto';
