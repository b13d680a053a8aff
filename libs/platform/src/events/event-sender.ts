import { runWithRequestId } from '../context/request-context';
import { UpstreamUnavailableError } from '../errors/upstream-unavailable.error';
import type { UpstreamClients } from '../http/upstream-clients';
import type { EventBroker } from './event-broker';
import { BROKER_DESTINATION } from './event-routing';
import type { AddressedEvent } from './integration-envelope';

/** One envelope on its way to one destination (a consumer's name, or the broker). */
export interface OutgoingEvent extends AddressedEvent {
  /** the request id its delivery runs under when the envelope carries none */
  fallbackRequestId: string;
}

/** How a process delivers: its upstream clients (HTTP push) and its broker, when it has them. */
export interface EventTransports {
  upstreams?: UpstreamClients;
  broker?: EventBroker;
}

/**
 * What one delivery attempt came to: acknowledged (2xx, or the broker's confirm), or a failure
 * with its reason (an HTTP status, `unavailable`, `delivery error`: never a response body) and
 * whether retrying can help (a 422: the consumer says the event can never apply).
 */
export type DeliveryOutcome =
  { acknowledged: true } | { acknowledged: false; reason: string; permanent: boolean };

/**
 * Delivers one envelope once, the way every outbox does (PostgreSQL relay, memory): published
 * to the broker with its confirm, or POSTed with the service key to its consumer's events
 * endpoint. It runs under the request id and trace of the request that caused the event, so
 * the consumer's lines about it carry them. Never throws: a failure is an outcome.
 */
export async function sendEvent(
  event: OutgoingEvent,
  transports: EventTransports,
): Promise<DeliveryOutcome> {
  try {
    const status = await runWithRequestId(
      event.envelope.request_id ?? event.fallbackRequestId,
      () => send(event, transports),
      event.envelope.traceparent,
    );
    if (status >= 200 && status < 300) return { acknowledged: true };
    return { acknowledged: false, reason: `HTTP ${status}`, permanent: status === 422 };
  } catch (error) {
    const reason = error instanceof UpstreamUnavailableError ? 'unavailable' : 'delivery error';
    return { acknowledged: false, reason, permanent: false };
  }
}

/** Answers an HTTP status; the broker's confirm counts as 200. */
async function send(event: OutgoingEvent, { upstreams, broker }: EventTransports): Promise<number> {
  if (event.destination === BROKER_DESTINATION) {
    if (!broker) throw new UpstreamUnavailableError('broker', 'No broker configured.');
    await broker.publish(event.envelope);
    return 200;
  }
  if (!upstreams) throw new UpstreamUnavailableError(event.destination, 'No upstreams.');
  // the event travels as is to its consumer's events endpoint
  const response = await upstreams
    .get(event.destination)
    .request({ method: 'POST', path: event.path, body: event.envelope });
  return response.status;
}
