import {
  EVENT_CATALOGUE,
  EventEnvelope,
  EventParty,
  EventType,
  consumersOf,
  isEventType,
} from '@app/contracts';
import type { IntegrationEvent } from '@app/kernel';
import { randomUUID } from 'node:crypto';
import { currentRequestId, currentTraceparent } from '../context/request-context';
import { BROKER_DESTINATION, EVENTS_PATH, EventTransportKind } from './event-routing';

/**
 * The envelope of an event `producer` publishes, checked against the catalogue: its type must
 * exist, be produced by `producer`, and its payload match the current version. Every outbox
 * (PostgreSQL or memory) builds its envelopes here, so a producer that drifts from its contract
 * fails in its own tests, not in a consumer. Carries the request id and trace of the caller.
 */
export function integrationEnvelope(event: IntegrationEvent, producer: string): EventEnvelope {
  if (!isEventType(event.type)) throw new Error(`unknown event type ${event.type}`);
  const definition = EVENT_CATALOGUE[event.type];
  if (definition.producer !== producer) {
    throw new Error(`${producer} does not produce ${event.type}`);
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
    producer: producer as EventParty,
    subject: event.subject,
    payload: event.payload,
  };
  const requestId = currentRequestId();
  if (requestId) envelope.request_id = requestId;
  const traceparent = currentTraceparent();
  if (traceparent) envelope.traceparent = traceparent;
  return envelope;
}

/** An envelope and one of its destinations: what an outbox keeps until it is acknowledged. */
export interface AddressedEvent {
  envelope: EventEnvelope;
  /** a consumer service (HTTP push), or BROKER_DESTINATION */
  destination: string;
  /** the consumer's events endpoint (HTTP push); empty for the broker */
  path: string;
}

/**
 * The envelopes of `events` with their destinations: the broker once per event, or each
 * consumer of its type (HTTP push: each consumer then gets its events in order and is retried
 * on its own). Over HTTP, an event nobody consumes goes nowhere (it is still checked).
 */
export function addressedEvents(
  events: readonly IntegrationEvent[],
  producer: string,
  transport: EventTransportKind,
): AddressedEvent[] {
  return events.flatMap((event) => {
    const envelope = integrationEnvelope(event, producer);
    if (transport === 'broker') return [{ envelope, destination: BROKER_DESTINATION, path: '' }];
    return consumersOf(envelope.type as EventType).map((consumer) => ({
      envelope,
      destination: String(consumer),
      path: EVENTS_PATH,
    }));
  });
}
