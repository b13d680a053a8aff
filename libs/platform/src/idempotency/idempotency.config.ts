import { z } from 'zod';
import { configToken } from '../config/config-token';
import { envInt, parseEnv } from '../config/env-schema';

const LEASE_MIN = 3;
const LEASE_MAX = 3600;
const HOLD_MIN = 10;
const HOLD_MAX = 3600;

/** What a service chooses (PlatformModule.forRoot({ idempotency: { … } })). */
export interface IdempotencyOptions {
  /**
   * The longest a request of this service may hold its key, in seconds: its lease is renewed
   * while it runs, up to this (then it lapses, so a request stuck for good cannot hold its key
   * forever). Longer than the service's slowest request under a key (order 60, payment 120,
   * a payment may wait on a card gateway). 120 when omitted.
   */
  maxHoldSeconds?: number;
}

export const IdempotencyEnvSchema = z.object({
  /** How long an Idempotency-Key and its answer are kept (at least 24 hours, as SPEC.md says). */
  IDEMPOTENCY_TTL_HOURS: envInt(24, 24 * 30).default(24),
  /**
   * A running request's lease on its key (seconds), renewed every third of it while it runs:
   * the key of a request whose process died is free again this long after its last renewal.
   */
  IDEMPOTENCY_LEASE_SECONDS: envInt(LEASE_MIN, LEASE_MAX).default(10),
});

export function idempotencySettingsSchema(options: IdempotencyOptions = {}) {
  const maxHold = options.maxHoldSeconds ?? 120;
  if (!Number.isInteger(maxHold) || maxHold < HOLD_MIN || maxHold > HOLD_MAX) {
    throw new Error(`maxHoldSeconds must be an integer from ${HOLD_MIN} to ${HOLD_MAX}`);
  }
  return IdempotencyEnvSchema.transform((env) => ({
    ttlHours: env.IDEMPOTENCY_TTL_HOURS,
    leaseSeconds: env.IDEMPOTENCY_LEASE_SECONDS,
    maxHoldSeconds: maxHold,
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
