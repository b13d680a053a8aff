import { Logger } from '@nestjs/common';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { runWithRequestId } from '../../context/request-context';
import type { EventHandlerFn, HandleResult } from '../event-broker';
import { confirmPublish } from './confirm-publish';
import {
  attemptsOf,
  bodyOf,
  deadHeaders,
  HEADER,
  reasonOf,
  republishOptions,
} from './amqp-message';
import type { ServiceQueues } from './amqp-topology';

export interface DeliveryPolicy {
  maxAttempts: number;
  retryDelayMs: number;
}

const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * Handles one delivered message and settles it on the channel that delivered it (a delivery
 * tag means nothing on another channel). It is acknowledged only after the handler resolved
 * `done`, or after its copy for the retry or dead-letter queue was confirmed by the broker: at
 * least once, never lost. If the channel closed meanwhile, nothing is settled and the broker
 * delivers the message again (the handler's inbox makes that harmless).
 */
export class AmqpDelivery {
  private readonly logger = new Logger('AmqpEventBroker');

  constructor(
    private readonly queues: ServiceQueues,
    private readonly policy: DeliveryPolicy,
    private readonly handle: EventHandlerFn,
  ) {}

  run(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const header = message.properties.headers?.[HEADER.requestId];
    const requestId =
      typeof header === 'string' && REQUEST_ID.test(header)
        ? header
        : `event-${String(message.properties.messageId ?? message.fields.deliveryTag)}`;
    const traceparent = message.properties.headers?.[HEADER.traceparent];
    return runWithRequestId(
      requestId,
      () => this.handleAndSettle(channel, message),
      typeof traceparent === 'string' ? traceparent : undefined,
    );
  }

  private async handleAndSettle(channel: ConfirmChannel, message: ConsumeMessage) {
    const { result, reason } = await this.outcome(message);
    try {
      if (result === 'done') channel.ack(message);
      else await this.moveAside(channel, message, result, reason);
    } catch (error) {
      this.logger.warn(
        { ...this.describe(message), err_class: (error as Error)?.constructor?.name },
        'could not settle an event (channel closed?); the broker will deliver it again',
      );
    }
  }

  private async outcome(
    message: ConsumeMessage,
  ): Promise<{ result: HandleResult; reason: string }> {
    try {
      const result = await this.handle(bodyOf(message));
      if (result === 'done') return { result, reason: '' };
      if (result === 'reject') return { result, reason: 'rejected by its handler' };
      return { result: 'retry', reason: 'its handler asked for a retry' };
    } catch (error) {
      return { result: 'retry', reason: reasonOf(error) };
    }
  }

  /** To the retry queue (delayed, attempts counted), or to the dead-letter queue; then ack. */
  private async moveAside(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    result: 'retry' | 'reject',
    reason: string,
  ) {
    const attempts = attemptsOf(message) + 1;
    const log = { ...this.describe(message), attempts, reason };
    if (result === 'retry' && attempts < this.policy.maxAttempts) {
      const headers = { [HEADER.attempts]: attempts, [HEADER.reason]: reason };
      const options = republishOptions(message, this.queues.exchange, headers);
      options.expiration = String(this.policy.retryDelayMs);
      await confirmPublish(channel, '', this.queues.retry, message.content, options);
      channel.ack(message);
      this.logger.warn(log, 'event handling failed; retrying after a delay');
      return;
    }
    const why = result === 'reject' ? reason : `gave up after ${attempts} attempts: ${reason}`;
    const options = republishOptions(message, this.queues.exchange, deadHeaders(attempts, why));
    await confirmPublish(channel, '', this.queues.dead, message.content, options);
    channel.ack(message);
    this.logger.error(log, 'event dead-lettered');
  }

  /** What a log line says about a message: never its body. */
  private describe(message: ConsumeMessage) {
    return {
      queue: this.queues.main,
      event_id: message.properties.messageId as string | undefined,
      event_type: (message.properties.type ?? message.fields.routingKey) as string,
    };
  }
}
