import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import {
  EVENT_CATALOGUE,
  EventEnvelope,
  EventParty,
  consumersOf,
  isEventType,
} from '@app/contracts';
import { EventOutbox, IntegrationEvent } from '@app/kernel';
import { randomUUID } from 'node:crypto';
import { PlatformConfig } from '../config/platform.config';
import { currentRequestId, currentTraceparent } from '../context/request-context';
import {
  BROKER_DESTINATION,
  EVENTS_PATH,
  EVENT_TRANSPORT,
  EventTransportKind,
} from './event-routing';

/**
 * Writes each event as outbox rows in the caller's transaction: one row for the broker, or one
 * per consumer for HTTP push (each consumer then gets its events in order and is retried on its
 * own). The payload is checked against the catalogue here, so a producer that drifts from its
 * contract fails in its own tests, not in a consumer.
 */
@Injectable()
export class TypeormEventOutbox extends EventOutbox {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly config: PlatformConfig,
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransportKind,
  ) {
    super();
  }

  async publish(...events: IntegrationEvent[]): Promise<void> {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (const event of events) {
      const envelope = this.envelope(event);
      const destinations =
        this.transport === 'broker' ? [BROKER_DESTINATION] : consumersOf(envelope.type as never);
      for (const destination of destinations) {
        const p = values.length;
        values.push(
          randomUUID(),
          envelope.type,
          envelope.subject,
          destination,
          destination === BROKER_DESTINATION ? '' : EVENTS_PATH,
          JSON.stringify(envelope),
        );
        rows.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}::jsonb)`);
      }
    }
    if (rows.length === 0) return;
    await this.txHost.tx.query(
      `INSERT INTO outbox_messages (id, type, aggregate_id, destination, path, payload)
       VALUES ${rows.join(', ')}`,
      values,
    );
  }

  private envelope(event: IntegrationEvent): EventEnvelope {
    if (!isEventType(event.type)) throw new Error(`unknown event type ${event.type}`);
    const definition = EVENT_CATALOGUE[event.type];
    if (definition.producer !== this.config.service) {
      throw new Error(`${this.config.service} does not produce ${event.type}`);
    }
    const schema = definition.payloads[definition.version as keyof typeof definition.payloads];
    const checked = schema.safeParse(event.payload);
    if (!checked.success) {
      const fields = checked.error.issues.map((issue) => issue.path.join('.') || '(payload)');
      throw new Error(`${event.type} payload does not match its contract: ${fields.join(', ')}`);
    }
    const envelope: EventEnvelope = {
      id: randomUUID(),
      type: event.type,
      version: definition.version,
      occurred_at: new Date().toISOString(),
      producer: this.config.service as EventParty,
      subject: event.subject,
      payload: event.payload,
    };
    const requestId = currentRequestId();
    if (requestId) envelope.request_id = requestId;
    const traceparent = currentTraceparent();
    if (traceparent) envelope.traceparent = traceparent;
    return envelope;
  }
}
