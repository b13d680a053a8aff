import { Type } from 'class-transformer';
import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { validateEnv } from '@app/platform';

/**
 * The order-validation service's own variables (on top of PlatformEnv and UpstreamEnv). Names
 * are the variables, so a validation message names exactly what to fix.
 */
export class OrderValidationEnv {
  /**
   * Required here (optional for the platform): the order and user lookups are
   * service-to-service endpoints, so without a key not a single order could be validated.
   */
  @IsString({
    message: 'SERVICE_API_KEY is required: order-validation reads orders and users with it',
  })
  @MinLength(16)
  SERVICE_API_KEY!: string;

  /** Most results kept in memory; the least recently used goes first. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  VALIDATION_CACHE_MAX = 10_000;

  /** How long a result is kept after the validation that made it (seconds, up to a week). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  VALIDATION_CACHE_TTL_SECONDS = 3600;
}

export class OrderValidationConfig {
  constructor(
    readonly cacheMaxEntries: number,
    readonly cacheTtlSeconds: number,
  ) {}
}

export function loadOrderValidationConfig(
  rawEnv: Record<string, string | undefined>,
): OrderValidationConfig {
  const env = validateEnv(OrderValidationEnv, rawEnv);
  return new OrderValidationConfig(env.VALIDATION_CACHE_MAX, env.VALIDATION_CACHE_TTL_SECONDS);
}
