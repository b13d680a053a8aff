import { z } from 'zod';
import { configToken } from '../config/config-token';
import { envInt, parseEnv } from '../config/env-schema';

export const MessagingEnvSchema = z.object({
  OUTBOX_RELAY_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /**
   * The relay's fallback poll: a pass at least this often when nothing woke it. Rows that become
   * due notify the relay (LISTEN/NOTIFY) and it times its passes for the backoffs and leases it
   * knows of, so this only bounds what a notification lost in a reconnection can delay. With
   * OUTBOX_LISTEN_ENABLED=false it is the polling interval, as it was before notifications.
   */
  OUTBOX_POLL_INTERVAL_MS: envInt(10, 3_600_000).default(10_000),
  /**
   * Whether the relay keeps a connection of its own that LISTENs for new outbox rows: off where
   * LISTEN cannot work (a transaction-pooling PgBouncer); the relay then polls.
   */
  OUTBOX_LISTEN_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  OUTBOX_BATCH_SIZE: envInt(1, 500).default(20),
  /** deliveries tried before a message is dead-lettered */
  OUTBOX_MAX_ATTEMPTS: envInt(1).default(60),
  OUTBOX_BACKOFF_BASE_MS: envInt(10).default(500),
  OUTBOX_BACKOFF_MAX_MS: envInt(10).default(60_000),
  /** in-memory outbox (a service without a database): messages it holds before refusing more */
  OUTBOX_MEMORY_CAPACITY: envInt(1, 1_000_000).default(10_000),
  /** in-memory outbox: how long a graceful shutdown keeps delivering what is still held */
  OUTBOX_FLUSH_TIMEOUT_MS: envInt(0, 60_000).default(5000),
  /**
   * How long claimed messages stay invisible to other relays (seconds), renewed every third of
   * it while they are being delivered: a dead relay's messages are delivered by another within
   * this time.
   */
  OUTBOX_CLAIM_LEASE_SECONDS: envInt(2, 600).default(5),
});

export const MessagingSettingsSchema = MessagingEnvSchema.transform((env) => ({
  relayEnabled: env.OUTBOX_RELAY_ENABLED,
  pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
  listenEnabled: env.OUTBOX_LISTEN_ENABLED,
  batchSize: env.OUTBOX_BATCH_SIZE,
  maxAttempts: env.OUTBOX_MAX_ATTEMPTS,
  backoffBaseMs: env.OUTBOX_BACKOFF_BASE_MS,
  backoffMaxMs: env.OUTBOX_BACKOFF_MAX_MS,
  memoryCapacity: env.OUTBOX_MEMORY_CAPACITY,
  flushTimeoutMs: env.OUTBOX_FLUSH_TIMEOUT_MS,
  claimLeaseSeconds: env.OUTBOX_CLAIM_LEASE_SECONDS,
}));

export type MessagingSettings = z.output<typeof MessagingSettingsSchema>;
export const MessagingSettings = configToken<MessagingSettings>('MessagingSettings');

export function loadMessagingSettings(env: Record<string, string | undefined>): MessagingSettings {
  return parseEnv(MessagingSettingsSchema, env);
}

/** Capped exponential backoff with full jitter, before the next delivery of a message. */
export function outboxBackoffMs(settings: MessagingSettings, attempts: number): number {
  const ceiling = Math.min(
    settings.backoffMaxMs,
    settings.backoffBaseMs * 2 ** Math.min(attempts, 20),
  );
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
