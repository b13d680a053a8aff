import { randomUUID } from 'node:crypto';
import { catalogueSubscriptions } from '@app/platform';

/**
 * The whole-flow suites run over HTTP push by default and over RabbitMQ when AMQP_URL is set
 * (CI runs them both ways). Each platform gets its own name prefix on the shared broker.
 */
export const BROKER_URL = process.env.AMQP_URL || undefined;

export function brokerPrefix(): string {
  return `t-${randomUUID().slice(0, 8)}-`;
}

/** The variables a service needs to use the broker, or none. */
export function brokerEnv(prefix: string): Record<string, string> {
  if (!BROKER_URL) return {};
  return { AMQP_URL: BROKER_URL, AMQP_NAME_PREFIX: prefix, AMQP_RETRY_DELAY_MS: '100' };
}

function queuesOf(prefix: string): string[] {
  return Object.keys(catalogueSubscriptions()).flatMap((service) => [
    `${prefix}${service}.events`,
    `${prefix}${service}.events.retry`,
  ]);
}

/** Events waiting in the consumers' queues (ready, not yet taken by a consumer). */
export async function brokerBacklog(prefix: string): Promise<number> {
  if (!BROKER_URL) return 0;
  const amqp = await import('amqplib');
  const connection = await amqp.connect(BROKER_URL);
  try {
    let total = 0;
    for (const queue of queuesOf(prefix)) {
      // a queue not declared yet holds nothing; checkQueue on it closes the channel
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      try {
        total += (await channel.checkQueue(queue)).messageCount;
        await channel.close();
      } catch {
        // not declared
      }
    }
    return total;
  } finally {
    await connection.close();
  }
}

/** Deletes the platform's exchange and queues from the shared broker. */
export async function deleteBrokerTopology(prefix: string): Promise<void> {
  if (!BROKER_URL) return;
  const amqp = await import('amqplib');
  const connection = await amqp.connect(BROKER_URL);
  try {
    const channel = await connection.createChannel();
    for (const queue of queuesOf(prefix)) await channel.deleteQueue(queue);
    for (const service of Object.keys(catalogueSubscriptions())) {
      await channel.deleteQueue(`${prefix}${service}.events.dead`);
    }
    await channel.deleteExchange(`${prefix}nest-commerce.events`);
    await channel.close();
  } finally {
    await connection.close();
  }
}
