import type { Channel } from 'amqplib';

export const EVENTS_EXCHANGE = 'nest-commerce.events';

/**
 * A quorum queue returns a message whose consumer died while holding it (crash, lost
 * connection); after this many such deliveries it goes to the dead-letter queue instead of
 * looping forever (a message that kills its consumer). Handler failures do not count: they go
 * through the retry queue. Fixed, not configured: a queue's arguments cannot change once declared.
 */
export const POISON_DELIVERY_LIMIT = 20;

/** Names of the exchange and of one service's queues; `prefix` isolates test runs. */
export interface ServiceQueues {
  exchange: string;
  main: string;
  retry: string;
  dead: string;
}

export function exchangeName(prefix = ''): string {
  return `${prefix}${EVENTS_EXCHANGE}`;
}

export function serviceQueues(service: string, prefix = ''): ServiceQueues {
  const main = `${prefix}${service}.events`;
  return { exchange: exchangeName(prefix), main, retry: `${main}.retry`, dead: `${main}.dead` };
}

export async function declareExchange(channel: Channel, exchange: string): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true });
}

/**
 * Declares a service's three queues (idempotent: the same arguments every time, so a restart or
 * a reconnect re-declares them) and binds its queue to each type it consumes.
 * - main: quorum, bound to the exchange by type; a poison message goes to `dead`;
 * - retry: quorum; each message carries its delay as `expiration` (per message, so the delay
 *   can change without redeclaring), then is dead-lettered back to `main` through the default
 *   exchange, at-least-once (RabbitMQ keeps it until `main` confirmed it);
 * - dead: a classic durable queue: browsing it (get, then requeue) keeps its order, and it has
 *   no delivery limit that browsing could exhaust (quorum queues count every requeue).
 */
export async function declareServiceQueues(
  channel: Channel,
  queues: ServiceQueues,
  types: readonly string[],
): Promise<void> {
  await declareExchange(channel, queues.exchange);
  await declareDeadQueue(channel, queues.dead);
  await channel.assertQueue(queues.main, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': POISON_DELIVERY_LIMIT,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': queues.dead,
    },
  });
  await channel.assertQueue(queues.retry, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': queues.main,
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    },
  });
  for (const type of types) await channel.bindQueue(queues.main, queues.exchange, type);
}

/** The dead-letter queue alone (listing it needs no more); returns how many messages it holds. */
export async function declareDeadQueue(channel: Channel, dead: string): Promise<number> {
  const reply = await channel.assertQueue(dead, {
    durable: true,
    arguments: { 'x-queue-type': 'classic' },
  });
  return reply.messageCount;
}
