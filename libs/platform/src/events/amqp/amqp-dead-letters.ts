import type { ConfirmChannel } from 'amqplib';
import type { DeadLetter } from '../event-broker';
import { confirmPublish } from './confirm-publish';
import { deadLetterIdOf, deadLetterOf, HEADER, republishOptions } from './amqp-message';
import { declareDeadQueue, type ServiceQueues } from './amqp-topology';

/** Headers a re-driven message loses: it starts over with no failed attempt. */
const RESET = {
  [HEADER.attempts]: undefined,
  [HEADER.reason]: undefined,
  [HEADER.deadLetteredAt]: undefined,
  [HEADER.deadLetterId]: undefined,
};

/**
 * Reads and re-drives a service's dead-letter queue without consuming it: messages are taken
 * with basic.get (unacknowledged), then all returned with nack-requeue, which puts them back in
 * their places in a classic queue. While one browse holds them they are invisible to another,
 * so browses are serialized here (one process); two instances browsing at the same moment may
 * each see a partial list.
 */
export class AmqpDeadLetters {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly openChannel: () => Promise<ConfirmChannel>,
    private readonly exchange: string,
  ) {}

  list(queues: ServiceQueues, limit: number, offset: number): Promise<DeadLetter[]> {
    return this.serialized(async (channel) => {
      const found: DeadLetter[] = [];
      for (let index = 0; index < offset + limit; index++) {
        const message = await channel.get(queues.dead, { noAck: false });
        if (!message) break;
        if (index >= offset) found.push(deadLetterOf(message));
      }
      return found;
    }, queues);
  }

  /** Moves one message to the service's queue (publish confirmed first, then removed). */
  redrive(queues: ServiceQueues, id: string): Promise<boolean> {
    return this.serialized(async (channel, messageCount) => {
      // bounded by the count at the start: messages dead-lettered meanwhile are not searched
      for (let index = 0; index < messageCount; index++) {
        const message = await channel.get(queues.dead, { noAck: false });
        if (!message) return false;
        if (deadLetterIdOf(message) !== id) continue;
        // mandatory: were the service's queue deleted, the default exchange would drop it
        const options = { ...republishOptions(message, this.exchange, RESET), mandatory: true };
        const returned = new Promise<never>((_, reject) =>
          channel.once('return', () => reject(new Error(`no queue ${queues.main} to re-drive to`))),
        );
        returned.catch(() => undefined);
        await Promise.race([
          confirmPublish(channel, '', queues.main, message.content, options),
          returned,
        ]);
        channel.ack(message);
        return true;
      }
      return false;
    }, queues);
  }

  private serialized<T>(
    work: (channel: ConfirmChannel, messageCount: number) => Promise<T>,
    queues: ServiceQueues,
  ): Promise<T> {
    const run = this.queue.then(async () => {
      const channel = await this.openChannel();
      try {
        // the queue as the consumer declares it, so that listing works before any consumer ran
        const messageCount = await declareDeadQueue(channel, queues.dead);
        return await work(channel, messageCount);
      } finally {
        await returnAll(channel);
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

async function returnAll(channel: ConfirmChannel): Promise<void> {
  try {
    channel.nackAll(true);
    await channel.close();
  } catch {
    // already closed: the broker returned them itself
  }
}
