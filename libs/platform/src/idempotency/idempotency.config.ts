import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { validateEnv } from '../config/validate-env';

const LEASE_MIN = 10;
const LEASE_MAX = 3600;

/** What a service chooses (PlatformModule.forRoot({ idempotency: { … } })). */
export interface IdempotencyOptions {
  /**
   * IDEMPOTENCY_LEASE_SECONDS when unset: longer than the service's slowest request under a key
   * (order 60, payment 120), so a crashed request's key frees itself without ever letting two
   * requests run at once. 60 when omitted.
   */
  defaultLeaseSeconds?: number;
}

export class IdempotencyEnv {
  /** How long an Idempotency-Key and its answer are kept (at least 24 hours, as SPEC.md says). */
  @Type(() => Number)
  @IsInt()
  @Min(24)
  @Max(24 * 30)
  IDEMPOTENCY_TTL_HOURS = 24;

  /** How long a request owns its key while running; unset, the service's default. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(LEASE_MIN)
  @Max(LEASE_MAX)
  IDEMPOTENCY_LEASE_SECONDS?: number;
}

export class IdempotencySettings {
  constructor(
    readonly ttlHours: number,
    readonly leaseSeconds: number,
  ) {}

  static from(
    env: Record<string, string | undefined>,
    options: IdempotencyOptions = {},
  ): IdempotencySettings {
    const defaultLease = options.defaultLeaseSeconds ?? 60;
    if (!Number.isInteger(defaultLease) || defaultLease < LEASE_MIN || defaultLease > LEASE_MAX) {
      throw new Error(`defaultLeaseSeconds must be an integer from ${LEASE_MIN} to ${LEASE_MAX}`);
    }
    const e = validateEnv(IdempotencyEnv, env);
    return new IdempotencySettings(
      e.IDEMPOTENCY_TTL_HOURS,
      e.IDEMPOTENCY_LEASE_SECONDS ?? defaultLease,
    );
  }
}
