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

/** The variables a service needs to use the broker (the one under test, or `url`), or none. */
export function brokerEnv(prefix: string, url = BROKER_URL): Record<string, string> {
  if (!url) return {};
  return { AMQP_URL: url, AMQP_NAME_PREFIX: prefix, AMQP_RETRY_DELAY_MS: '100' };
}

function queuesOf(prefix: string): string[] {
  return Object.keys(catalogueSubscriptions()).flatMap((service) => [
    `${prefix}${service}.events`,
    `${prefix}${service}.events.retry`,
  ]);
}

function deadQueuesOf(prefix: string): string[] {
  return Object.keys(catalogueSubscriptions()).map((service) => `${prefix}${service}.events.dead`);
}

/** Messages ready in the named queues (a queue not declared yet counts as empty). */
async function readyIn(url: string, queues: string[]): Promise<number> {
  const amqp = await import('amqplib');
  const connection = await amqp.connect(url);
  try {
    let total = 0;
    for (const queue of queues) {
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

/**
 * Events waiting in the consumers' queues (ready, not yet taken by a consumer), on the broker
 * under test or on `url` (a suite whose services reach the broker through a proxy asks the
 * broker itself).
 */
export async function brokerBacklog(prefix: string, url = BROKER_URL): Promise<number> {
  if (!url) return 0;
  return readyIn(url, queuesOf(prefix));
}

/** Events in the consumers' dead-letter queues (given up on, or rejected). */
export async function brokerDeadLetters(prefix: string, url = BROKER_URL): Promise<number> {
  if (!url) return 0;
  return readyIn(url, deadQueuesOf(prefix));
}

/** Deletes the platform's exchange and queues from the shared broker (or the one at `url`). */
export async function deleteBrokerTopology(prefix: string, url = BROKER_URL): Promise<void> {
  if (!url) return;
  const amqp = await import('amqplib');
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    for (const queue of [...queuesOf(prefix), ...deadQueuesOf(prefix)]) {
      await channel.deleteQueue(queue);
    }
    await channel.deleteExchange(`${prefix}nest-commerce.events`);
    await channel.close();
  } finally {
    await connection.close();
  }
}

/**
 * A queue of the test's own, bound to every event type on a platform's exchange: how many copies
 * of each event (by its id) the broker routed, whoever published them and however often.
 */
export async function tapEvents(prefix: string, url: string) {
  const amqp = await import('amqplib');
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  // exclusive: the broker deletes it with this connection
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, `${prefix}nest-commerce.events`, '#');
  const copies = new Map<string, number>();
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      const id = String(message.properties.messageId);
      copies.set(id, (copies.get(id) ?? 0) + 1);
    },
    { noAck: true },
  );
  return { copies, close: () => connection.close() };
}
