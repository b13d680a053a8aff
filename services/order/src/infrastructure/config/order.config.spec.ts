import { describeEnvSchema, stringCase } from '@app/testing';
import { OrderEnvSchema, validateOrderEnv } from './order.config';

describeEnvSchema('order', {
  schema: OrderEnvSchema,
  load: validateOrderEnv,
  base: { SERVICE_API_KEY: 'order-to-product-key-0000' },
  variables: { SERVICE_API_KEY: stringCase(16, undefined, true) },
});

describe('order configuration', () => {
  it('names SERVICE_API_KEY and why when it is missing', () => {
    expect(() => validateOrderEnv({})).toThrow(
      'SERVICE_API_KEY is required: the order service reserves stock with it',
    );
  });
});
