import { z } from 'zod';
import {
  EVEN_AFTER_OTHER_ERRORS,
  configToken,
  envInt,
  envUrl,
  parseEnv,
  requiredServiceApiKey,
} from '@app/platform';

const GATEWAYS = ['simulated', 'stripe', 'paypal'] as const;
export type GatewayChoice = (typeof GATEWAYS)[number];

const STRIPE_KEY = /^(sk|rk)_(test|live)_\S+$/;

/** The payment service's own variables (on top of the platform's, upstream's, messaging's, idempotency's). */
export const PaymentEnvSchema = z
  .object({
    /**
     * Required here (optional for the platform): the relay delivers payment's events to their
     * subscribers with it (the order service's SERVICE_API_KEYS.payment).
     */
    SERVICE_API_KEY: requiredServiceApiKey('the payment service notifies orders with it'),
    PAYMENT_GATEWAY: z.enum(GATEWAYS).default('simulated'),
    /** ISO 4217 code every payment is charged in. */
    PAYMENT_CURRENCY: z
      .string()
      .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code such as eur')
      .default('eur'),
    /** Timeout of one call to Stripe or PayPal; no answer in time leaves the payment pendiente. */
    PAYMENT_GATEWAY_TIMEOUT_MS: envInt(100, 120_000).default(10_000),
    /** Pause between reconciliation passes over pending payments; 0 runs none in this process. */
    PAYMENT_RECONCILE_INTERVAL_MS: envInt(0).default(30_000),
    /**
     * A pending payment younger than this is left alone: its request may still be waiting for
     * the gateway (longer than an order lookup plus three gateway calls at their timeout).
     */
    PAYMENT_RECONCILE_MIN_AGE_MS: envInt(0).default(60_000),
    /** A payment still pending this long, with no charge at the gateway, is declined. */
    PAYMENT_PENDING_EXPIRY_MS: envInt(1000).default(30 * 60_000),
    PAYMENT_RECONCILE_BATCH_SIZE: envInt(1, 1000).default(50),
    /** Simulated gateway only: how long each of its answers takes (demos, concurrency tests). */
    SIMULATED_GATEWAY_LATENCY_MS: envInt(0, 60_000).default(0),
    /** Checked only when PAYMENT_GATEWAY=stripe (below). */
    STRIPE_SECRET_KEY: z.string().optional(),
    STRIPE_API_BASE: envUrl(['http', 'https']).default('https://api.stripe.com'),
    /** Checked only when PAYMENT_GATEWAY=paypal (below). */
    PAYPAL_CLIENT_ID: z.string().optional(),
    PAYPAL_CLIENT_SECRET: z.string().optional(),
    PAYPAL_API_BASE: envUrl(['http', 'https']).default('https://api-m.sandbox.paypal.com'),
  })
  .superRefine((env, ctx) => {
    const problem = (variable: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [variable], message });
    if (env.PAYMENT_GATEWAY === 'stripe') {
      if (!env.STRIPE_SECRET_KEY)
        problem('STRIPE_SECRET_KEY', 'is required when PAYMENT_GATEWAY=stripe');
      else if (!STRIPE_KEY.test(env.STRIPE_SECRET_KEY)) {
        problem('STRIPE_SECRET_KEY', 'must be a Stripe secret key (sk_test_… or sk_live_…)');
      }
    }
    if (env.PAYMENT_GATEWAY === 'paypal') {
      for (const variable of ['PAYPAL_CLIENT_ID', 'PAYPAL_CLIENT_SECRET'] as const) {
        if (!env[variable]) problem(variable, 'is required when PAYMENT_GATEWAY=paypal');
      }
    }
  }, EVEN_AFTER_OTHER_ERRORS);

export const PaymentConfigSchema = PaymentEnvSchema.transform((env) => ({
  gateway: env.PAYMENT_GATEWAY,
  /** lower case */
  currency: env.PAYMENT_CURRENCY.toLowerCase(),
  gatewayTimeoutMs: env.PAYMENT_GATEWAY_TIMEOUT_MS,
  reconcileIntervalMs: env.PAYMENT_RECONCILE_INTERVAL_MS,
  reconcileMinAgeMs: env.PAYMENT_RECONCILE_MIN_AGE_MS,
  pendingExpiryMs: env.PAYMENT_PENDING_EXPIRY_MS,
  reconcileBatchSize: env.PAYMENT_RECONCILE_BATCH_SIZE,
  simulatedLatencyMs: env.SIMULATED_GATEWAY_LATENCY_MS,
  stripe: { secretKey: env.STRIPE_SECRET_KEY, apiBase: env.STRIPE_API_BASE.replace(/\/+$/, '') },
  paypal: {
    clientId: env.PAYPAL_CLIENT_ID,
    clientSecret: env.PAYPAL_CLIENT_SECRET,
    apiBase: env.PAYPAL_API_BASE.replace(/\/+$/, ''),
  },
}));

export type PaymentConfig = z.output<typeof PaymentConfigSchema>;
export const PaymentConfig = configToken<PaymentConfig>('PaymentConfig');

export function loadPaymentConfig(env: Record<string, string | undefined>): PaymentConfig {
  return parseEnv(PaymentConfigSchema, env);
}
