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
    ORDER_PAYMENT_TIMEOUT_SECONDS: intCase(1, 30 * 24 * 3600),
    ORDER_EXPIRY_INTERVAL_MS: intCase(0, 3_600_000),
    ORDER_EXPIRY_BATCH_SIZE: intCase(1, 1000),
    ORDER_CANCEL_RECOVERY_INTERVAL_MS: intCase(0, 3_600_000),
    ORDER_CANCEL_RECOVERY_AFTER_MS: intCase(1000, 3_600_000),
  },
});

describe('order configuration', () => {
  it('names SERVICE_API_KEY and why when it is missing', () => {
    expect(() => loadOrderConfig({})).toThrow(
      'SERVICE_API_KEY is required: the order service reserves stock with it',
    );
  });

  it('defaults: placements recovered after 30 s (a pass every 5 s), unpaid orders expire after 30 minutes (checked every 10 s)', () => {
    expect(loadOrderConfig({ SERVICE_API_KEY: KEY })).toEqual({
      placementTimeoutSeconds: 30,
      placementRecoveryIntervalMs: 5000,
      paymentTimeoutSeconds: 1800,
      expiryIntervalMs: 10_000,
      expiryBatchSize: 50,
      cancelRecoveryIntervalMs: 5_000,
      cancelRecoveryAfterMs: 15_000,
    });
  });

  it('refuses a timeout of 0 or a fraction, naming the variable', () => {
    for (const value of ['0', '1.5', '-3', 'soon']) {
      expect(() =>
        loadOrderConfig({ SERVICE_API_KEY: KEY, ORDER_PAYMENT_TIMEOUT_SECONDS: value }),
      ).toThrow(/ORDER_PAYMENT_TIMEOUT_SECONDS/);
    }
  });
});
