import { z } from 'zod';
import { configToken } from '../config/config-token';
import { envInt, parseEnv } from '../config/env-schema';

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

export const IdempotencyEnvSchema = z.object({
  /** How long an Idempotency-Key and its answer are kept (at least 24 hours, as SPEC.md says). */
  IDEMPOTENCY_TTL_HOURS: envInt(24, 24 * 30).default(24),
  /** How long a request owns its key while running; unset, the service's default. */
  IDEMPOTENCY_LEASE_SECONDS: envInt(LEASE_MIN, LEASE_MAX).optional(),
});

export function idempotencySettingsSchema(options: IdempotencyOptions = {}) {
  const defaultLease = options.defaultLeaseSeconds ?? 60;
  if (!Number.isInteger(defaultLease) || defaultLease < LEASE_MIN || defaultLease > LEASE_MAX) {
    throw new Error(`defaultLeaseSeconds must be an integer from ${LEASE_MIN} to ${LEASE_MAX}`);
  }
  return IdempotencyEnvSchema.transform((env) => ({
    ttlHours: env.IDEMPOTENCY_TTL_HOURS,
    leaseSeconds: env.IDEMPOTENCY_LEASE_SECONDS ?? defaultLease,
  }));
}

export type IdempotencySettings = z.output<ReturnType<typeof idempotencySettingsSchema>>;
export const IdempotencySettings = configToken<IdempotencySettings>('IdempotencySettings');

export function loadIdempotencySettings(
  env: Record<string, string | undefined>,
  options: IdempotencyOptions = {},
): IdempotencySettings {
  return parseEnv(idempotencySettingsSchema(options), env);
}
