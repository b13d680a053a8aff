import { z } from 'zod';
import { envInt, parseEnv, requiredServiceApiKey } from '@app/platform';
import { CARRIER_MAX, ESTIMATE_DAYS_MAX } from '../../domain/entities/delivery';

/** The delivery service's own variables (on top of the platform's, upstream's and messaging's). */
export const DeliveryEnvSchema = z.object({
  /**
   * Required here (optional for the platform): the relay delivers the order status notices to
   * the order service's internal endpoint with it; without it no order would ever ship.
   */
  SERVICE_API_KEY: requiredServiceApiKey('the delivery service notifies the order service with it'),
  /** The carrier new deliveries are handed to (shown on tracking pages). */
  DELIVERY_CARRIER: z.string().trim().min(1).max(CARRIER_MAX).default('NestPost'),
  /** estimated_delivery = creation time + this many days. */
  DELIVERY_ESTIMATE_DAYS: envInt(1, ESTIMATE_DAYS_MAX).default(3),
});

/** Its output is bound to the application's DeliverySettings. */
export const DeliveryConfigSchema = DeliveryEnvSchema.transform((env) => ({
  carrier: env.DELIVERY_CARRIER,
  estimateDays: env.DELIVERY_ESTIMATE_DAYS,
}));

export type DeliveryConfig = z.output<typeof DeliveryConfigSchema>;

export function loadDeliveryConfig(env: Record<string, string | undefined>): DeliveryConfig {
  return parseEnv(DeliveryConfigSchema, env);
}
