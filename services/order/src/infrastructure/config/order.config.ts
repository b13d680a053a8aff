import { Type } from 'class-transformer';
import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { validateEnv } from '@app/platform';

/**
 * The order service's own variables (on top of PlatformEnv and UpstreamEnv). Names are the
 * variables, so a validation message names exactly what to fix.
 */
export class OrderEnv {
  /**
   * Required here (optional for the platform): without it the product service refuses every
   * stock reservation, so the service could not place a single order.
   */
  @IsString({ message: 'SERVICE_API_KEY is required: the order service reserves stock with it' })
  @MinLength(16)
  SERVICE_API_KEY!: string;

  /** How long an Idempotency-Key and its answer are kept (at least 24 hours, as SPEC.md says). */
  @Type(() => Number)
  @IsInt()
  @Min(24)
  @Max(24 * 30)
  IDEMPOTENCY_TTL_HOURS = 24;

  /**
   * How long a request owns its key while running. Longer than the slowest order placement
   * (catalog lookups and the reservation, each within the upstream timeout and retries), so a
   * crashed request's key frees itself without ever letting two requests run at once.
   */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(3600)
  IDEMPOTENCY_LEASE_SECONDS = 60;
}

export class OrderConfig {
  constructor(
    readonly idempotencyTtlHours: number,
    readonly idempotencyLeaseSeconds: number,
  ) {}
}

export function loadOrderConfig(rawEnv: Record<string, string | undefined>): OrderConfig {
  const env = validateEnv(OrderEnv, rawEnv);
  return new OrderConfig(env.IDEMPOTENCY_TTL_HOURS, env.IDEMPOTENCY_LEASE_SECONDS);
}
