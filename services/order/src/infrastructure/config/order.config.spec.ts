import { describeEnvSchema, intCase, stringCase } from '@app/testing';
import { OrderEnvSchema, loadOrderConfig } from './order.config';

const KEY = 'order-to-product-key-0000';

describeEnvSchema('order', {
  schema: OrderEnvSchema,
  load: loadOrderConfig,
  base: { SERVICE_API_KEY: KEY },
  variables: {
    SERVICE_API_KEY: stringCase(16, undefined, true),
    ORDER_PLACEMENT_TIMEOUT_SECONDS: intCase(1, 3600),
    ORDER_PLACEMENT_RECOVERY_INTERVAL_MS: intCase(0, 3_600_000),
  },
});

describe('order configuration', () => {
  it('names SERVICE_API_KEY and why when it is missing', () => {
    expect(() => loadOrderConfig({})).toThrow(
      'SERVICE_API_KEY is required: the order service reserves stock with it',
    );
  });

  it('defaults: placements recovered after 30 s, a recovery pass every 5 s', () => {
    expect(loadOrderConfig({ SERVICE_API_KEY: KEY })).toEqual({
      placementTimeoutSeconds: 30,
      placementRecoveryIntervalMs: 5000,
    });
  });
});
