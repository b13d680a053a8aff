import { z } from 'zod';
import { parseEnv, requiredServiceApiKey } from '@app/platform';

/** The order service's own variables (on top of the platform's, upstream's, messaging's, idempotency's). */
export const OrderEnvSchema = z.object({
  /**
   * Required here (optional for the platform): without it the product service refuses every
   * stock reservation, so the service could not place a single order.
   */
  SERVICE_API_KEY: requiredServiceApiKey('the order service reserves stock with it'),
});

/** Stops the service at start when a variable of its own is missing or malformed. */
export function validateOrderEnv(env: Record<string, string | undefined>): void {
  parseEnv(OrderEnvSchema, env);
}
