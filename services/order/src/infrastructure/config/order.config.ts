import { z } from 'zod';
import { configToken, envInt, parseEnv, requiredServiceApiKey } from '@app/platform';

const HOUR_MS = 3_600_000;

/** The order service's own variables (on top of the platform's, upstream's, messaging's, idempotency's). */
export const OrderEnvSchema = z.object({
  /**
   * Required here (optional for the platform): without it the product service refuses every
   * stock reservation, so the service could not place a single order.
   */
  SERVICE_API_KEY: requiredServiceApiKey('the order service reserves stock with it'),
  /**
   * A placement still running after this long is presumed dead and its stock released
   * (docs/saga.md). Longer than the slowest placement: the catalog lookups and the reservation,
   * each up to UPSTREAM_TIMEOUT_MS × (UPSTREAM_RETRIES + 1) plus backoff (about 8 s each with the
   * defaults). Shorter only makes slow placements fail with a 503; it never leaks stock.
   */
  ORDER_PLACEMENT_TIMEOUT_SECONDS: envInt(1, 3600).default(30),
  /** Pause between passes of the placement recovery; 0 runs none in this process (tests). */
  ORDER_PLACEMENT_RECOVERY_INTERVAL_MS: envInt(0, HOUR_MS).default(5000),
  /** An order still `creada` this long after it was placed is cancelled (`payment_timeout`). */
  ORDER_PAYMENT_TIMEOUT_SECONDS: envInt(1, 30 * 24 * 3600).default(1800),
  /** Pause between passes that expire unpaid orders; 0 runs none in this process. */
  ORDER_EXPIRY_INTERVAL_MS: envInt(0, HOUR_MS).default(10_000),
  /** Orders claimed and cancelled per transaction of an expiry pass. */
  ORDER_EXPIRY_BATCH_SIZE: envInt(1, 1000).default(50),
  /** Pause between passes that finish paid orders' cancels left unfinished; 0: none here. */
  ORDER_CANCEL_RECOVERY_INTERVAL_MS: envInt(0, HOUR_MS).default(5_000),
  /**
   * An unfinished cancel is taken over by recovery this long after it was asked for: longer
   * than a cancel request can take (the delivery call at UPSTREAM_TIMEOUT_MS, retried).
   */
  ORDER_CANCEL_RECOVERY_AFTER_MS: envInt(1000, HOUR_MS).default(15_000),
});

export const OrderConfigSchema = OrderEnvSchema.transform((env) => ({
  placementTimeoutSeconds: env.ORDER_PLACEMENT_TIMEOUT_SECONDS,
  placementRecoveryIntervalMs: env.ORDER_PLACEMENT_RECOVERY_INTERVAL_MS,
  paymentTimeoutSeconds: env.ORDER_PAYMENT_TIMEOUT_SECONDS,
  expiryIntervalMs: env.ORDER_EXPIRY_INTERVAL_MS,
  expiryBatchSize: env.ORDER_EXPIRY_BATCH_SIZE,
  cancelRecoveryIntervalMs: env.ORDER_CANCEL_RECOVERY_INTERVAL_MS,
  cancelRecoveryAfterMs: env.ORDER_CANCEL_RECOVERY_AFTER_MS,
}));

export type OrderConfig = z.output<typeof OrderConfigSchema>;
export const OrderConfig = configToken<OrderConfig>('OrderConfig');

/** Stops the service at start when a variable of its own is missing or malformed. */
export function loadOrderConfig(env: Record<string, string | undefined>): OrderConfig {
  return parseEnv(OrderConfigSchema, env);
}
