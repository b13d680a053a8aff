import fc from 'fast-check';
import { ConfigError } from '@app/platform';
import { describeEnvSchema, enumCase, intCase, stringCase, urlCase } from '@app/testing';
import { PaymentEnvSchema, loadPaymentConfig } from './payment.config';

const KEY = 'payment-to-order-key-0000';
const STRIPE = 'sk_test_0123456789abcdef';

describeEnvSchema('payment', {
  schema: PaymentEnvSchema,
  load: loadPaymentConfig,
  // the Stripe gateway, so its key is checked; PayPal's credentials too, for PAYMENT_GATEWAY=paypal
  base: {
    SERVICE_API_KEY: KEY,
    PAYMENT_GATEWAY: 'stripe',
    STRIPE_SECRET_KEY: STRIPE,
    PAYPAL_CLIENT_ID: 'client',
    PAYPAL_CLIENT_SECRET: 'secret',
  },
  variables: {
    SERVICE_API_KEY: stringCase(16, undefined, true),
    PAYMENT_GATEWAY: enumCase(['simulated', 'stripe', 'paypal']),
    PAYMENT_CURRENCY: {
      valid: fc.stringMatching(/^[A-Za-z]{3}$/),
      invalid: fc.stringMatching(/^([A-Za-z]{1,2}|[A-Za-z]{4,6}|[a-z]{2}[0-9 ])$/),
    },
    PAYMENT_GATEWAY_TIMEOUT_MS: intCase(100, 120_000),
    PAYMENT_RECONCILE_INTERVAL_MS: intCase(0),
    PAYMENT_RECONCILE_MIN_AGE_MS: intCase(0),
    PAYMENT_PENDING_EXPIRY_MS: intCase(1000),
    PAYMENT_RECONCILE_BATCH_SIZE: intCase(1, 1000),
    SIMULATED_GATEWAY_LATENCY_MS: intCase(0, 60_000),
    STRIPE_SECRET_KEY: {
      valid: fc
        .tuple(
          fc.constantFrom('sk', 'rk'),
          fc.constantFrom('test', 'live'),
          fc.stringMatching(/^\w{1,30}$/),
        )
        .map((parts) => parts.join('_')),
      invalid: fc.stringMatching(/^\w{0,20}$/).map((s) => `zq9X${s}`),
      secret: true,
    },
    STRIPE_API_BASE: urlCase(['http', 'https']),
    PAYPAL_CLIENT_ID: stringCase(),
    PAYPAL_CLIENT_SECRET: { ...stringCase(), secret: true },
    PAYPAL_API_BASE: urlCase(['http', 'https']),
  },
});

describe('payment configuration', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadPaymentConfig({ SERVICE_API_KEY: KEY, ...env });
    } catch (error) {
      return (error as ConfigError).problems;
    }
    return [];
  };

  it('defaults: the simulated gateway in eur, Stripe and PayPal bases without a trailing slash', () => {
    expect(loadPaymentConfig({ SERVICE_API_KEY: KEY })).toEqual({
      gateway: 'simulated',
      currency: 'eur',
      gatewayTimeoutMs: 10_000,
      reconcileIntervalMs: 30_000,
      reconcileMinAgeMs: 60_000,
      pendingExpiryMs: 1_800_000,
      reconcileBatchSize: 50,
      simulatedLatencyMs: 0,
      stripe: { secretKey: undefined, apiBase: 'https://api.stripe.com' },
      paypal: {
        clientId: undefined,
        clientSecret: undefined,
        apiBase: 'https://api-m.sandbox.paypal.com',
      },
    });
    expect(
      loadPaymentConfig({
        SERVICE_API_KEY: KEY,
        PAYMENT_CURRENCY: 'USD',
        STRIPE_API_BASE: 'http://127.0.0.1:9/',
      }),
    ).toMatchObject({ currency: 'usd', stripe: { apiBase: 'http://127.0.0.1:9' } });
  });

  it("checks a gateway's credentials only when it is the chosen one", () => {
    expect(problems({ STRIPE_SECRET_KEY: 'not-a-key' })).toEqual([]);
    expect(problems({ PAYMENT_GATEWAY: 'stripe' })).toEqual([
      'STRIPE_SECRET_KEY is required when PAYMENT_GATEWAY=stripe',
    ]);
    expect(problems({ PAYMENT_GATEWAY: 'paypal' })).toEqual([
      'PAYPAL_CLIENT_ID is required when PAYMENT_GATEWAY=paypal',
      'PAYPAL_CLIENT_SECRET is required when PAYMENT_GATEWAY=paypal',
    ]);
  });

  it('names every bad variable at once, the gateway rule included', () => {
    expect(
      problems({
        PAYMENT_GATEWAY: 'stripe',
        PAYMENT_GATEWAY_TIMEOUT_MS: 'soon',
        PAYMENT_CURRENCY: 'euro',
      }),
    ).toEqual([
      'PAYMENT_CURRENCY must be an ISO 4217 code such as eur',
      'PAYMENT_GATEWAY_TIMEOUT_MS must be a number',
      'STRIPE_SECRET_KEY is required when PAYMENT_GATEWAY=stripe',
    ]);
  });
});
