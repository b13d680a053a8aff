import { z } from 'zod';
import { configToken, envInt, parseEnv, requiredServiceApiKey } from '@app/platform';

/** The order-validation service's own variables (on top of the platform's and upstream's). */
export const OrderValidationEnvSchema = z.object({
  /**
   * Required here (optional for the platform): the order and user lookups are
   * service-to-service endpoints, so without a key not a single order could be validated.
   */
  SERVICE_API_KEY: requiredServiceApiKey('order-validation reads orders and users with it'),
  /** Most results kept in memory; the least recently used goes first. */
  VALIDATION_CACHE_MAX: envInt(1, 1_000_000).default(10_000),
  /** How long a result is kept after the validation that made it (seconds, up to a week). */
  VALIDATION_CACHE_TTL_SECONDS: envInt(1, 7 * 24 * 3600).default(3600),
});

export const OrderValidationConfigSchema = OrderValidationEnvSchema.transform((env) => ({
  cacheMaxEntries: env.VALIDATION_CACHE_MAX,
  cacheTtlSeconds: env.VALIDATION_CACHE_TTL_SECONDS,
}));

export type OrderValidationConfig = z.output<typeof OrderValidationConfigSchema>;
export const OrderValidationConfig = configToken<OrderValidationConfig>('OrderValidationConfig');

export function loadOrderValidationConfig(
  env: Record<string, string | undefined>,
): OrderValidationConfig {
  return parseEnv(OrderValidationConfigSchema, env);
}
