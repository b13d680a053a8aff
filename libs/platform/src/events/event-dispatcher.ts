import { Injectable, Logger } from '@nestjs/common';
import {
  EVENT_CATALOGUE,
  EventEnvelope,
  EventParty,
  eventEnvelopeSchema,
  eventsConsumedBy,
  isEventType,
} from '@app/contracts';
import { DomainError, MessageInbox, UnitOfWork } from '@app/kernel';
import { PlatformConfig } from '../config/platform.config';
import { runWithRequestId } from '../context/request-context';
import type { HandleResult } from './event-broker';
import { EventHandler, EventHandlers } from './event-handlers';

export interface Dispatched {
  result: HandleResult;
  /** true when the inbox already held the event: nothing was applied again */
  duplicate?: boolean;
  /** why it was rejected or will be retried: a short code, never the payload */
  reason?: string;
}

const PERMANENT: ReadonlySet<string> = new Set(['invalid', 'unprocessable']);

/**
 * The one place a service's received events go through, whatever the transport: the envelope
 * and the payload are checked against the catalogue, then the handler runs in one transaction
 * with the inbox record, so an event applies once however often it arrives.
 */
@Injectable()
export class EventDispatcher {
  private readonly logger = new Logger('EventDispatcher');
  private readonly consumer: string;

  constructor(
    config: PlatformConfig,
    private readonly handlers: EventHandlers,
    private readonly uow: UnitOfWork,
    private readonly inbox: MessageInbox,
  ) {
    this.consumer = config.service;
    const expected = eventsConsumedBy(config.service as EventParty).sort();
    const handled = Object.keys(handlers.handlers).sort();
    if (expected.join() !== handled.join()) {
      throw new Error(
        `${config.service} must handle exactly the events the catalogue says it consumes: ` +
          `[${expected.join(', ')}], not [${handled.join(', ')}]`,
      );
    }
  }

  /** The event types this service consumes. */
  get consumedTypes(): string[] {
    return Object.keys(this.handlers.handlers);
  }

  async dispatch(message: unknown): Promise<Dispatched> {
    const parsed = eventEnvelopeSchema.safeParse(message);
    if (!parsed.success) return this.rejected('not_an_event', undefined);
    const envelope = parsed.data;
    if (!isEventType(envelope.type)) return this.rejected('unknown_type', envelope);
    const handler = this.handlers.handlers[envelope.type] as EventHandler<never> | undefined;
    if (!handler) return this.rejected('not_consumed_here', envelope);
    const definition = EVENT_CATALOGUE[envelope.type];
    if (definition.producer !== envelope.producer) return this.rejected('wrong_producer', envelope);
    const schema = (definition.payloads as Record<number, (typeof definition.payloads)[1]>)[
      envelope.version
    ];
    if (!schema) return this.rejected('unknown_version', envelope);
    const payload = schema.safeParse(envelope.payload);
    if (!payload.success) return this.rejected('invalid_payload', envelope);

    return runWithRequestId(
      envelope.request_id ?? `event-${envelope.id}`,
      () => this.apply(envelope, handler, payload.data as never),
      envelope.traceparent,
    );
  }

  private async apply(
    envelope: EventEnvelope,
    handler: EventHandler<never>,
    payload: never,
  ): Promise<Dispatched> {
    try {
      const applied = await this.uow.run(async () => {
        if (!(await this.inbox.firstDelivery(envelope.id, this.consumer))) return false;
        await handler(payload, {
          event_id: envelope.id,
          occurred_at: envelope.occurred_at,
          producer: envelope.producer,
          version: envelope.version,
        });
        return true;
      });
      return applied ? { result: 'done' } : { result: 'done', duplicate: true };
    } catch (error) {
      if (error instanceof DomainError && PERMANENT.has(error.kind)) {
        return this.rejected(error.code, envelope);
      }
      const reason = error instanceof DomainError ? error.code : (error as Error).constructor.name;
      this.logger.warn(
        { event_id: envelope.id, type: envelope.type, reason },
        'event not applied yet; will be delivered again',
      );
      return { result: 'retry', reason };
    }
  }

  private rejected(reason: string, envelope: EventEnvelope | undefined): Dispatched {
    this.logger.error(
      { event_id: envelope?.id, type: envelope?.type, reason },
      'event rejected: it can never apply here',
    );
    return { result: 'reject', reason };
  }
}
