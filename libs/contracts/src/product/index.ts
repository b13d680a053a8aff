export * from './create-product.dto';
export * from './list-products-query.dto';
export * from './product-cursor';
export * from './product-limits';
export * from './product-response.dto';
export * from './replace-product.dto';
export * from './reserve-stock.dto';
export * from './update-product.dto';
