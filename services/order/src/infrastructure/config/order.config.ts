import { IsString, MinLength } from 'class-validator';
import { validateEnv } from '@app/platform';

/**
 * The order service's own variables (on top of PlatformEnv, UpstreamEnv, MessagingEnv and
 * IdempotencyEnv). Names are the variables, so a validation message names exactly what to fix.
 */
export class OrderEnv {
  /**
   * Required here (optional for the platform): without it the product service refuses every
   * stock reservation, so the service could not place a single order.
   */
  @IsString({ message: 'SERVICE_API_KEY is required: the order service reserves stock with it' })
  @MinLength(16)
  SERVICE_API_KEY!: string;
}

/** Stops the service at start when a variable of its own is missing or malformed. */
export function validateOrderEnv(rawEnv: Record<string, string | undefined>): void {
  validateEnv(OrderEnv, rawEnv);
}
