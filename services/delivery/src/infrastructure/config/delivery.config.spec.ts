import { ConfigError } from '@app/platform';
import { describeEnvSchema, intCase, stringCase } from '@app/testing';
import { DeliveryEnvSchema, loadDeliveryConfig } from './delivery.config';

const KEY = 'delivery-to-order-key-0000';

describe('delivery configuration', () => {
  it('defaults: NestPost, 3 days', () => {
    expect(loadDeliveryConfig({ SERVICE_API_KEY: KEY })).toEqual({
      carrier: 'NestPost',
      estimateDays: 3,
    });
  });

  it('reads DELIVERY_CARRIER (trimmed) and DELIVERY_ESTIMATE_DAYS; empty means default', () => {
    expect(
      loadDeliveryConfig({
        SERVICE_API_KEY: KEY,
        DELIVERY_CARRIER: ' Correos Express ',
        DELIVERY_ESTIMATE_DAYS: '5',
      }),
    ).toEqual({ carrier: 'Correos Express', estimateDays: 5 });
    expect(loadDeliveryConfig({ SERVICE_API_KEY: KEY, DELIVERY_CARRIER: '' }).carrier).toBe(
      'NestPost',
    );
  });

  it.each([
    ['SERVICE_API_KEY', {}],
    ['SERVICE_API_KEY', { SERVICE_API_KEY: 'short' }],
    ['DELIVERY_ESTIMATE_DAYS', { SERVICE_API_KEY: KEY, DELIVERY_ESTIMATE_DAYS: '0' }],
    ['DELIVERY_ESTIMATE_DAYS', { SERVICE_API_KEY: KEY, DELIVERY_ESTIMATE_DAYS: '61' }],
    ['DELIVERY_ESTIMATE_DAYS', { SERVICE_API_KEY: KEY, DELIVERY_ESTIMATE_DAYS: 'three' }],
    ['DELIVERY_CARRIER', { SERVICE_API_KEY: KEY, DELIVERY_CARRIER: 'x'.repeat(101) }],
  ])('stops on a bad %s, naming it', (variable, env) => {
    expect(() => loadDeliveryConfig(env)).toThrow(ConfigError);
    expect(() => loadDeliveryConfig(env)).toThrow(new RegExp(variable));
  });
});

describeEnvSchema('delivery', {
  schema: DeliveryEnvSchema,
  load: loadDeliveryConfig,
  base: { SERVICE_API_KEY: KEY },
  variables: {
    SERVICE_API_KEY: stringCase(16, undefined, true),
    DELIVERY_CARRIER: stringCase(1, 100),
    DELIVERY_ESTIMATE_DAYS: intCase(1, 60),
  },
});
