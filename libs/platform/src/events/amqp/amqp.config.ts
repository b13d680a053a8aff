import { z } from 'zod';
import { configToken } from '../../config/config-token';
import { envInt, envUrl, parseEnv } from '../../config/env-schema';

/**
 * RabbitMQ transport of the integration events. AMQP_URL unset: no broker (events travel over
 * HTTP). Problems name the variable, never its value: the URL holds the broker's password.
 */
export const AmqpEnvSchema = z.object({
  AMQP_URL: envUrl(['amqp', 'amqps']).optional(),
  /** unacknowledged messages a consumer holds at once (handled concurrently) */
  AMQP_PREFETCH: envInt(1, 1000).default(16),
  /** how long a message that asked for a retry waits in the retry queue */
  AMQP_RETRY_DELAY_MS: envInt(10, 3_600_000).default(1000),
  /** failed handlings after which a message goes to the dead-letter queue */
  AMQP_MAX_ATTEMPTS: envInt(1, 1000).default(10),
  /** a publish not confirmed by the broker within this time fails (the outbox retries it) */
  AMQP_PUBLISH_TIMEOUT_MS: envInt(100, 600_000).default(10_000),
  /** prepended to the exchange's and queues' names: separate platforms sharing one broker */
  AMQP_NAME_PREFIX: z.string().max(40).default(''),
});

export const AmqpSettingsSchema = AmqpEnvSchema.transform((env) => ({
  url: env.AMQP_URL,
  prefetch: env.AMQP_PREFETCH,
  retryDelayMs: env.AMQP_RETRY_DELAY_MS,
  maxAttempts: env.AMQP_MAX_ATTEMPTS,
  publishTimeoutMs: env.AMQP_PUBLISH_TIMEOUT_MS,
  namePrefix: env.AMQP_NAME_PREFIX,
}));

export type AmqpSettings = z.output<typeof AmqpSettingsSchema>;
export const AmqpSettings = configToken<AmqpSettings>('AmqpSettings');

export function loadAmqpSettings(env: Record<string, string | undefined>): AmqpSettings {
  return parseEnv(AmqpSettingsSchema, env);
}

/** `host:port` of a broker URL, for logs: never the user or password. */
export function amqpHostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(unparsable AMQP_URL)';
  }
}
