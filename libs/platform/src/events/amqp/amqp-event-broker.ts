import { Logger } from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import type { ConfirmChannel } from 'amqplib';
import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import {
  EVENT_PARTIES,
  eventsConsumedBy,
  type EventEnvelope,
  type EventType,
} from '@app/contracts';
import { DeadLetter, EventBroker, EventHandlerFn } from '../event-broker';
import { amqpHostOf, AmqpSettings } from './amqp.config';
import { AmqpDeadLetters } from './amqp-dead-letters';
import { AmqpDelivery } from './amqp-delivery';
import { publishOptions } from './amqp-message';
import {
  declareExchange,
  declareServiceQueues,
  exchangeName,
  serviceQueues,
  type ServiceQueues,
} from './amqp-topology';

export interface AmqpEventBrokerOptions {
  /** prepended to the exchange's and queues' names: isolates test runs sharing one broker */
  prefix?: string;
  /**
   * service -> event types: queues the publisher declares and binds as well, so that an event
   * published before its consumer ever started waits in that consumer's queue (an exchange
   * drops what no queue is bound for). From the catalogue.
   */
  subscriptions?: Readonly<Record<string, readonly string[]>>;
  /** seconds between heartbeats (a silent broker is declared lost after two) */
  heartbeatSeconds?: number;
  /** seconds between reconnection attempts */
  reconnectSeconds?: number;
}

/** service -> the event types it consumes, from the catalogue: for `subscriptions`. */
export function catalogueSubscriptions(): Record<string, EventType[]> {
  const consuming = EVENT_PARTIES.map((party) => [party, eventsConsumedBy(party)] as const);
  return Object.fromEntries(consuming.filter(([, types]) => types.length > 0));
}

/** Thrown by `publish` when the broker did not confirm the event (nack, outage, timeout). */
export class EventNotConfirmedError extends Error {
  constructor(why: string, options?: ErrorOptions) {
    super(`the broker did not confirm the event: ${why}`, options);
    this.name = 'EventNotConfirmedError';
  }
}

/**
 * Integration events over RabbitMQ (docs/rabbitmq.md). amqp-connection-manager owns the
 * connection: it reconnects after a loss and re-runs each channel's setup, which declares the
 * topology and starts the consumers again; publishes made while disconnected wait (up to
 * AMQP_PUBLISH_TIMEOUT_MS) and are sent once connected.
 */
export class AmqpEventBroker extends EventBroker {
  private readonly logger = new Logger('AmqpEventBroker');
  private readonly manager: AmqpConnectionManager;
  private readonly publisher: ChannelWrapper;
  private readonly deadLetterQueues: AmqpDeadLetters;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly host: string;
  private readonly prefix: string;
  private downSince?: number;
  private closing = false;

  constructor(
    private readonly settings: AmqpSettings,
    options: AmqpEventBrokerOptions = {},
  ) {
    super();
    if (!settings.url) throw new Error('AmqpEventBroker needs AMQP_URL');
    this.host = amqpHostOf(settings.url);
    this.prefix = options.prefix ?? '';
    const heartbeat = options.heartbeatSeconds ?? 5;
    this.manager = amqp.connect([settings.url], {
      heartbeatIntervalInSeconds: heartbeat,
      reconnectTimeInSeconds: options.reconnectSeconds ?? 1,
      connectionOptions: { timeout: heartbeat * 1000 },
    });
    this.watchConnection();
    const exchange = exchangeName(this.prefix);
    const subscriptions = Object.entries(options.subscriptions ?? {});
    this.publisher = this.manager.createChannel({
      name: 'events-publisher',
      confirm: true,
      publishTimeout: settings.publishTimeoutMs,
      setup: async (channel: ConfirmChannel) => {
        // unheard, a channel error would be thrown from amqplib's socket handler
        channel.on('error', (error: Error) => this.channelFailed('events-publisher', error));
        await declareExchange(channel, exchange);
        for (const [service, types] of subscriptions)
          await declareServiceQueues(channel, serviceQueues(service, this.prefix), types);
      },
    });
    this.publisher.on('error', (error: Error) => this.channelFailed('events-publisher', error));
    this.deadLetterQueues = new AmqpDeadLetters(() => this.openChannel(), exchange);
  }

  async publish(envelope: EventEnvelope): Promise<void> {
    if (this.closing) throw new EventNotConfirmedError('the broker connection is closed');
    const body = Buffer.from(JSON.stringify(envelope));
    try {
      await this.publisher.publish(exchangeName(this.prefix), envelope.type, body, {
        ...publishOptions(envelope),
        timeout: this.settings.publishTimeoutMs,
      });
    } catch (error) {
      const why = error instanceof Error && error.message === 'timeout' ? 'timed out' : 'refused';
      throw new EventNotConfirmedError(why, { cause: error });
    }
  }

  /**
   * Resolves once the queue is declared, bound and consumed; if the broker cannot be reached
   * within AMQP_PUBLISH_TIMEOUT_MS it resolves anyway (with a warning) and consuming starts
   * when the connection comes.
   */
  async consume(service: string, types: readonly string[], handle: EventHandlerFn): Promise<void> {
    const queues = serviceQueues(service, this.prefix);
    const delivery = new AmqpDelivery(queues, this.settings, handle);
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const consumer = this.manager.createChannel({
      name: `${service}-consumer`,
      confirm: true,
      setup: async (channel: ConfirmChannel) => {
        await this.startConsumer(channel, queues, types, delivery);
        ready();
      },
    });
    consumer.on('error', (error: Error) => this.channelFailed(queues.main, error));
    if (!(await settlesWithin(started, this.settings.publishTimeoutMs)))
      this.logger.warn({ queue: queues.main, broker: this.host }, 'consumer not started yet');
  }

  deadLetters(service: string, limit: number, offset: number): Promise<DeadLetter[]> {
    return this.deadLetterQueues.list(serviceQueues(service, this.prefix), limit, offset);
  }

  redrive(service: string, id: string): Promise<boolean> {
    return this.deadLetterQueues.redrive(serviceQueues(service, this.prefix), id);
  }

  /**
   * Stops taking deliveries, waits (up to AMQP_PUBLISH_TIMEOUT_MS) for the handlers under way
   * to settle theirs, then closes. Anything still unacknowledged goes back to its queue.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await settlesWithin(Promise.allSettled([...this.inFlight]), this.settings.publishTimeoutMs);
    await this.manager.close();
  }

  private async startConsumer(
    channel: ConfirmChannel,
    queues: ServiceQueues,
    types: readonly string[],
    delivery: AmqpDelivery,
  ): Promise<void> {
    await declareServiceQueues(channel, queues, types);
    await channel.prefetch(this.settings.prefetch);
    // a channel error (not a lost connection) would otherwise stop this consumer for good
    channel.on('error', (error: Error) => {
      this.channelFailed(queues.main, error);
      this.reconnectUnlessClosing();
    });
    await channel.consume(queues.main, (message) => {
      if (message === null) {
        this.logger.warn({ queue: queues.main }, 'consumer cancelled by the broker; reconnecting');
        this.reconnectUnlessClosing();
        return;
      }
      // after close() began, leave it unacknowledged: the broker gives it to another consumer
      if (this.closing) return;
      const run = delivery.run(channel, message).finally(() => this.inFlight.delete(run));
      this.inFlight.add(run);
    });
  }

  /**
   * Deliveries taken from the queue and not yet settled: the broker counts them as neither
   * ready nor gone, so whoever waits for a quiet platform (the in-process suites) asks here.
   */
  get handling(): number {
    return this.inFlight.size;
  }

  private async openChannel(): Promise<ConfirmChannel> {
    const connection = this.manager.connection;
    if (!connection) throw new Error(`the message broker (${this.host}) is not connected`);
    const channel = await connection.createConfirmChannel();
    // its errors reject the operation under way; unheard, amqplib would throw them
    channel.on('error', () => undefined);
    return channel;
  }

  private watchConnection(): void {
    const broker = this.host;
    // bound to this (request-less) context: a loss noticed by a request's publish is not that
    // request's, and its log line must not carry the request's id
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the emitter's own signature
    const on = (event: string, listener: (...args: any[]) => void) =>
      this.manager.on(event, AsyncResource.bind(listener));
    on('connect', () => {
      const downMs = this.downSince === undefined ? undefined : Date.now() - this.downSince;
      this.downSince = undefined;
      this.logger.log({ broker, down_ms: downMs }, 'connected to the message broker');
      if (downMs !== undefined) this.reconnected();
    });
    const lost = (event: string) => (arg: { err?: unknown }) => {
      if (this.closing || this.downSince !== undefined) return;
      this.downSince = Date.now();
      const error = arg.err as (Error & { code?: unknown }) | undefined;
      this.logger.warn(
        { broker, event, err_class: error?.constructor?.name, code: error?.code },
        'message broker unreachable; reconnecting',
      );
    };
    on('disconnect', lost('disconnect'));
    on('connectFailed', lost('connect_failed'));
    on('blocked', ({ reason }: { reason: string }) =>
      this.logger.warn({ broker, reason }, 'message broker blocks publishing'),
    );
    on('unblocked', () => this.logger.log({ broker }, 'message broker accepts publishing again'));
  }

  private channelFailed(channel: string, error: Error): void {
    if (this.closing) return;
    // the broker's reason (e.g. PRECONDITION_FAILED - inequivalent arg) names no payload
    this.logger.error(
      { broker: this.host, channel, err_class: error.constructor.name, reason: error.message },
      'message broker channel failed',
    );
  }

  private reconnectUnlessClosing(): void {
    if (!this.closing) this.manager.reconnect();
  }
}

/** Whether `promise` settled within `ms` (it is not cancelled otherwise). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)));
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, expired]);
  } finally {
    clearTimeout(timer);
  }
}
