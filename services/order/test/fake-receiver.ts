import { AddressInfo } from 'node:net';
import { Server, createServer } from 'node:http';
import {
  DELIVERY_INTERNAL_PATH,
  DELIVERY_PROBLEM_TYPES,
  EVENT_CATALOGUE,
  EventEnvelope,
  EventParty,
  EventType,
  eventEnvelopeSchema,
  eventsConsumedBy,
  isEventType,
} from '@app/contracts';

export interface FakeReceiver {
  url: string;
  /** envelopes acknowledged (answered 200), in arrival order; a redelivery appears twice */
  received: EventEnvelope[];
  /** every request, acknowledged or not */
  attempts: number;
  /** `fail`: answer 503 to every event (the service is up but cannot apply events now) */
  mode: 'ok' | 'fail';
  /**
   * delivery only: how `POST /internal/deliveries/by-order/{id}/stop` answers: 200 stopped, 409
   * delivery-already-left, or 503 (the order's cancel cannot learn whether the goods left)
   */
  stopMode: 'stopped' | 'left' | 'fail';
  /** delivery only: the order ids whose stop was asked, in arrival order (every attempt) */
  stops: string[];
  /** the payloads of `type` about `orderId` acknowledged so far */
  payloadsOf(type: EventType, orderId: string): Array<Record<string, unknown>>;
  /** the types acknowledged about `orderId`, in arrival order */
  typesFor(orderId: string): string[];
  stop(): Promise<void>;
}

const STOP_ROUTE = new RegExp(`^${DELIVERY_INTERNAL_PATH}/by-order/([^/]+)/stop$`);

/**
 * A real local HTTP server standing in for a subscriber of the order's events (delivery,
 * payment): it serves `POST /api/v1/internal/events`, checks the caller's service key, checks
 * the envelope and its payload against the catalogue exactly as the platform's dispatcher does
 * (a drifting payload is 422), accepts only the types the catalogue says `service` consumes, and
 * records what it acknowledged. It applies nothing and does not deduplicate. As delivery it also
 * answers the stop a paid order's cancel asks for, as `stopMode` says.
 */
export async function startFakeReceiver(
  service: EventParty,
  expectedServiceKey: string,
): Promise<FakeReceiver> {
  const consumed = new Set<string>(eventsConsumedBy(service));
  const state = {
    url: '',
    received: [] as EventEnvelope[],
    attempts: 0,
    mode: 'ok',
    stopMode: 'stopped',
    stops: [] as string[],
  } as FakeReceiver;
  state.payloadsOf = (type, orderId) =>
    state.received.filter((e) => e.type === type && e.subject === orderId).map((e) => e.payload);
  state.typesFor = (orderId) =>
    state.received.filter((e) => e.subject === orderId).map((e) => e.type);

  const server: Server = createServer((req, res) => {
    state.attempts += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { status, body } = answer(
        req.method ?? '',
        req.url ?? '',
        req.headers['x-service-key'],
        req.headers['content-type'],
        chunks,
      );
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });

  function answer(
    method: string,
    path: string,
    serviceKey: string | string[] | undefined,
    contentType: string | undefined,
    chunks: Buffer[],
  ): { status: number; body: unknown } {
    if (serviceKey !== expectedServiceKey) return { status: 401, body: { status: 401 } };
    const stop = STOP_ROUTE.exec(path);
    if (service === 'delivery' && method === 'POST' && stop) {
      // as the platform: a request body (even an empty one) must be JSON
      if (!String(contentType ?? '').startsWith('application/json')) {
        return { status: 415, body: { status: 415 } };
      }
      return answerStop(stop[1]);
    }
    if (state.mode === 'fail') return { status: 503, body: { status: 503 } };
    if (method !== 'POST' || path !== '/api/v1/internal/events') {
      return { status: 404, body: { status: 404 } };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return { status: 400, body: { status: 400, detail: 'malformed JSON' } };
    }
    const envelope = eventEnvelopeSchema.safeParse(raw);
    if (
      !envelope.success ||
      !isEventType(envelope.data.type) ||
      !consumed.has(envelope.data.type)
    ) {
      return { status: 422, body: { status: 422, detail: 'not an event consumed here' } };
    }
    const definition = EVENT_CATALOGUE[envelope.data.type];
    const schema = (definition.payloads as Record<number, (typeof definition.payloads)[1]>)[
      envelope.data.version
    ];
    if (!schema?.safeParse(envelope.data.payload).success) {
      return { status: 422, body: { status: 422, detail: 'invalid payload' } };
    }
    state.received.push(envelope.data as EventEnvelope);
    return { status: 200, body: { status: 'applied' } };
  }

  function answerStop(orderId: string): { status: number; body: unknown } {
    state.stops.push(orderId);
    if (state.stopMode === 'fail') return { status: 503, body: { status: 503 } };
    if (state.stopMode === 'left') {
      return {
        status: 409,
        body: {
          type: `https://nest-commerce.dev/problems/${DELIVERY_PROBLEM_TYPES.deliveryAlreadyLeft}`,
          status: 409,
        },
      };
    }
    return { status: 200, body: { order_id: orderId, outcome: 'cancelled', delivery: null } };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.stop = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
