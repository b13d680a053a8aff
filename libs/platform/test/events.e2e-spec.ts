import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { EventEnvelope } from '@app/contracts';
import { captureLogs } from '@app/testing';
import { EVENTS_PATH, OutboxRelay } from '../src';
import { EventsFixturePair, startEventsFixturePair } from './events-fixture-pair';
import { PERMANENT_FAILURE_AMOUNT, TRANSIENT_FAILURE_AMOUNT } from './events-fixture.module';

const PAYMENT_KEY = 'payment-key-0123456789abcdef';
const DELIVERY_KEY = 'delivery-key-0123456789abcdef';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('integration events over HTTP push (real PostgreSQL, real HTTP between two services)', () => {
  let pair: EventsFixturePair;
  let producer: NestFastifyApplication;
  let consumer: NestFastifyApplication;

  beforeAll(async () => {
    pair = await startEventsFixturePair({
      name: 'events',
      common: {
        OUTBOX_RELAY_ENABLED: 'false',
        OUTBOX_MAX_ATTEMPTS: '5',
        OUTBOX_BACKOFF_BASE_MS: '10',
        OUTBOX_BACKOFF_MAX_MS: '20',
        UPSTREAM_BREAKER_THRESHOLD: '1000',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
      consumer: {
        serviceKeys: { payment: PAYMENT_KEY, delivery: DELIVERY_KEY },
        extra: { LOG_LEVEL: 'info' },
      },
      producer: { extra: { SERVICE_API_KEY: PAYMENT_KEY } },
      pushOverHttp: true,
    });
    ({ producer, consumer } = pair);
  });

  afterAll(() => pair?.close());

  const effects = () => pair.effects();
  const outbox = () => pair.outbox();
  const post = (body: unknown, key = PAYMENT_KEY) =>
    request(consumer.getHttpServer())
      .post(EVENTS_PATH)
      .set('x-service-key', key)
      .send(body as object);
  const envelope = (overrides: Partial<EventEnvelope> = {}): EventEnvelope => {
    const orderId = randomUUID();
    return {
      id: randomUUID(),
      type: 'payment.approved',
      version: 1,
      occurred_at: new Date().toISOString(),
      producer: 'payment',
      subject: orderId,
      payload: { payment_id: randomUUID(), order_id: orderId, amount: 10.5 },
      ...overrides,
    };
  };

  it('delivers an event published in a transaction, with the request id and trace that caused it', async () => {
    const orderId = randomUUID();
    const requestId = `req-${randomUUID()}`;
    await request(producer.getHttpServer())
      .post('/api/v1/fixture/approve')
      .set('x-request-id', requestId)
      .set('traceparent', `00-${TRACE_ID}-00f067aa0ba902b7-01`)
      .send({ payment_id: randomUUID(), order_id: orderId, amount: 19.99 })
      .expect(200);
    const [row] = (await outbox()).filter((r) => r.payload.subject === orderId);
    expect(row.payload).toMatchObject({
      type: 'payment.approved',
      version: 1,
      producer: 'payment',
      subject: orderId,
      request_id: requestId,
      payload: { order_id: orderId, amount: 19.99 },
    });
    expect(row.payload.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));

    const logs = captureLogs();
    try {
      await producer.get(OutboxRelay).drainOnce();
    } finally {
      logs.restore();
    }
    expect((await outbox()).find((r) => r.id === row.id)?.status).toBe('delivered');
    // the consumer's request line for it carries the id of the request that caused the event
    const received = logs
      .lines()
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { service?: string; request_id?: string; msg?: string })
      .find((l) => l.service === 'order' && l.msg?.startsWith(`POST ${EVENTS_PATH} 200`));
    expect(received?.request_id).toBe(requestId);
    expect((await effects()).filter((e) => e.subject === orderId)).toEqual([
      { event_id: row.payload.id, type: 'payment.approved', subject: orderId },
    ]);
  });

  it('applies each event once whatever the duplicates and their order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 6 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        async (copies, shuffle) => {
          const events = copies.map(() => envelope());
          const sends = events.flatMap((event, i) =>
            Array.from({ length: copies[i] }, () => event),
          );
          const order = sends.map((send) => ({ send, key: shuffle.next().value }));
          order.sort((a, b) => a.key - b.key);
          const answers = await Promise.all(order.map(({ send }) => post(send)));
          expect(answers.map((a) => a.status).every((s) => s === 200)).toBe(true);
          const applied = answers.filter((a) => a.body.status === 'applied').length;
          expect(applied).toBe(events.length);
          const rows = await effects();
          for (const event of events) {
            expect(rows.filter((r) => r.event_id === event.id)).toHaveLength(1);
          }
        },
      ),
      { numRuns: 15, seed: 11 },
    );
  });

  it('refuses with 422 what can never apply, and applies nothing of it', async () => {
    const bad: Array<[string, unknown]> = [
      ['not an object', ['payment.approved']],
      ['no id', { ...envelope(), id: undefined }],
      ['unknown type', envelope({ type: 'payment.exploded' })],
      // (posted with payment's key: another producer's name on the envelope is 403, below)
      ['not consumed here', envelope({ type: 'order.paid' })],
      ['wrong producer', envelope({ type: 'delivery.in_transit' })],
      ['unknown version', envelope({ version: 7 })],
      ['payload missing a field', envelope({ payload: { order_id: randomUUID(), amount: 1 } })],
      [
        'payload with an extra field',
        envelope({
          payload: {
            payment_id: randomUUID(),
            order_id: randomUUID(),
            amount: 1,
            status: 'pagada',
          },
        }),
      ],
      [
        'amount with 3 decimals',
        envelope({ payload: { payment_id: randomUUID(), order_id: randomUUID(), amount: 1.001 } }),
      ],
      ['bad traceparent', envelope({ traceparent: 'nope' })],
    ];
    const before = (await effects()).length;
    for (const [what, body] of bad) {
      const res = await post(body);
      expect({ what, status: res.status }).toEqual({
        what,
        status: res.status === 400 ? 400 : 422,
      });
      expect(String(res.headers['content-type'])).toMatch(/problem\+json/);
    }
    const permanent = await post(
      envelope({
        payload: {
          payment_id: randomUUID(),
          order_id: randomUUID(),
          amount: PERMANENT_FAILURE_AMOUNT,
        },
      }),
    );
    expect(permanent.status).toBe(422);
    expect(permanent.body.type).toMatch(/event-rejected$/);
    expect((await effects()).length).toBe(before);
  });

  it('answers 503 when the effect fails, rolls it back, and applies it when it comes again', async () => {
    const event = envelope({
      payload: {
        payment_id: randomUUID(),
        order_id: randomUUID(),
        amount: TRANSIENT_FAILURE_AMOUNT,
      },
    });
    const first = await post(event);
    expect(first.status).toBe(503);
    expect(first.headers['retry-after']).toBeDefined();
    expect((await effects()).filter((e) => e.event_id === event.id)).toHaveLength(0);
    const second = await post(event);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ status: 'applied' });
    expect((await effects()).filter((e) => e.event_id === event.id)).toHaveLength(1);
  });

  it('accepts only the producers of what it consumes, each posting its own events', async () => {
    // delivery produces events order consumes: its key is let in, for delivery's events only
    const orderId = randomUUID();
    const inTransit = envelope({
      type: 'delivery.in_transit',
      producer: 'delivery',
      subject: orderId,
      payload: { delivery_id: randomUUID(), order_id: orderId },
    });
    expect((await post(inTransit, DELIVERY_KEY)).status).toBe(200);
    // ... and not payment's: no service speaks for another
    const forged = envelope();
    expect((await post(forged, DELIVERY_KEY)).status).toBe(403);
    expect((await effects()).filter((e) => e.event_id === forged.id)).toHaveLength(0);
    expect((await post(envelope(), 'no-such-key-0123456789')).status).toBe(401);
  });

  it('dead-letters at once an event its consumer rejects, and retries one it cannot apply yet', async () => {
    const rejected = randomUUID();
    const later = randomUUID();
    for (const [orderId, amount] of [
      [rejected, PERMANENT_FAILURE_AMOUNT],
      [later, TRANSIENT_FAILURE_AMOUNT],
    ] as const) {
      await request(producer.getHttpServer())
        .post('/api/v1/fixture/approve')
        .send({ payment_id: randomUUID(), order_id: orderId, amount })
        .expect(200);
    }
    await producer.get(OutboxRelay).drainOnce();
    const rows = await outbox();
    expect(rows.find((r) => r.payload.subject === rejected)).toMatchObject({
      status: 'dead',
      attempts: 1,
    });
    expect(rows.find((r) => r.payload.subject === later)).toMatchObject({
      status: 'pending',
      attempts: 1,
    });
    await sleep(50); // past the 10-20 ms backoff
    await producer.get(OutboxRelay).drainOnce();
    expect((await outbox()).find((r) => r.payload.subject === later)).toMatchObject({
      status: 'delivered',
      attempts: 2,
    });
    expect((await effects()).filter((e) => e.subject === later)).toHaveLength(1);
  });

  it('refuses to publish a payload that breaks the contract, and the state change with it', async () => {
    const orderId = randomUUID();
    const res = await request(producer.getHttpServer())
      .post('/api/v1/fixture/approve')
      .send({ payment_id: randomUUID(), order_id: orderId, amount: 1.234 });
    expect(res.status).toBe(500);
    expect((await outbox()).filter((r) => r.payload.subject === orderId)).toHaveLength(0);
  });
});
