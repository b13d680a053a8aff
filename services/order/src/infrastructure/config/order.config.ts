import { z } from 'zod';
import { configToken, envInt, parseEnv, requiredServiceApiKey } from '@app/platform';

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
  ORDER_PLACEMENT_RECOVERY_INTERVAL_MS: envInt(0, 3_600_000).default(5000),
});

export const OrderConfigSchema = OrderEnvSchema.transform((env) => ({
  placementTimeoutSeconds: env.ORDER_PLACEMENT_TIMEOUT_SECONDS,
  placementRecoveryIntervalMs: env.ORDER_PLACEMENT_RECOVERY_INTERVAL_MS,
}));

export type OrderConfig = z.output<typeof OrderConfigSchema>;
export const OrderConfig = configToken<OrderConfig>('OrderConfig');

/** Stops the service at start when a variable of its own is missing or malformed. */
export function loadOrderConfig(env: Record<string, string | undefined>): OrderConfig {
  return parseEnv(OrderConfigSchema, env);
}
