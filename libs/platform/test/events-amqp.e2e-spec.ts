import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { TestTokenIssuer, captureLogs } from '@app/testing';
import { OutboxRelay } from '../src';
import { AMQP_TEST_URL as AMQP_URL, cleanUp, eventually, testPrefix } from './amqp-support';
import { EventsFixturePair, startEventsFixturePair } from './events-fixture-pair';
import { PERMANENT_FAILURE_AMOUNT, TRANSIENT_FAILURE_AMOUNT } from './events-fixture.module';

/** Where the consumer's lines about an event come from: the broker adapter, dispatcher, handler. */
const CONSUMER_SIDE = new Set(['AmqpEventBroker', 'EventDispatcher', 'FixtureHandlers']);

describe('integration events through RabbitMQ (real broker, real PostgreSQL)', () => {
  let pair: EventsFixturePair;
  let issuer: TestTokenIssuer;
  let producer: NestFastifyApplication;
  let consumer: NestFastifyApplication;
  const prefix = testPrefix();

  beforeAll(async () => {
    pair = await startEventsFixturePair({
      name: 'events_amqp',
      common: {
        AMQP_URL,
        AMQP_NAME_PREFIX: prefix,
        AMQP_RETRY_DELAY_MS: '50',
        AMQP_MAX_ATTEMPTS: '3',
        AMQP_PUBLISH_TIMEOUT_MS: '5000',
        OUTBOX_RELAY_ENABLED: 'false',
        LOG_LEVEL: 'info', // the handlers' lines, as in production
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    ({ issuer, producer, consumer } = pair);
  });

  afterAll(async () => {
    await pair?.close();
    // the run's queues and exchange go with it
    await cleanUp(prefix, ['order', 'product', 'payment', 'delivery']);
  });

  const approve = (orderId: string, amount: number, requestId = `req-${randomUUID()}`) =>
    request(producer.getHttpServer())
      .post('/api/v1/fixture/approve')
      .set('x-request-id', requestId)
      .send({ payment_id: randomUUID(), order_id: orderId, amount })
      .expect(200);

  /**
   * The consumer's JSON log lines about one event (its id in the line). Both applications share
   * this process's stdout, so the consumer's lines are told by their source, not `service`.
   */
  const consumerLinesAbout = (logs: string[], eventId: string) =>
    logs
      .filter((line) => line.startsWith('{'))
      .map(
        (line) =>
          JSON.parse(line) as {
            context?: string;
            event_id?: string;
            request_id?: string;
            msg?: string;
          },
      )
      .filter((line) => CONSUMER_SIDE.has(line.context ?? '') && line.event_id === eventId);
  const eventIdOf = async (orderId: string) =>
    (
      (await producer
        .get(DataSource)
        .query("SELECT payload->>'id' AS id FROM outbox_messages WHERE aggregate_id = $1", [
          orderId,
        ])) as Array<{ id: string }>
    )[0].id;
  const effectsOf = async (orderId: string) =>
    (await consumer
      .get(DataSource)
      .query('SELECT event_id FROM fixture_effects WHERE subject = $1', [orderId])) as Array<{
      event_id: string;
    }>;
  const outboxOf = async (orderId: string) =>
    (await producer
      .get(DataSource)
      .query('SELECT destination, status FROM outbox_messages WHERE aggregate_id = $1', [
        orderId,
      ])) as Array<{ destination: string; status: string }>;

  it('publishes one row per event to the broker, marked sent on confirm, applied once by the consumer', async () => {
    const orders = Array.from({ length: 12 }, () => randomUUID());
    for (const orderId of orders) await approve(orderId, 10);
    await producer.get(OutboxRelay).drainOnce();
    for (const orderId of orders) {
      expect(await outboxOf(orderId)).toEqual([{ destination: '@broker', status: 'delivered' }]);
      const effects = await eventually(
        async () => {
          const rows = await effectsOf(orderId);
          expect(rows.length).toBeGreaterThan(0);
          return rows;
        },
        10_000,
        `the effect of ${orderId}`,
      );
      expect(effects).toHaveLength(1);
    }
  });

  it('retries an event the consumer cannot apply yet, and applies it once; every consumer log line about it carries the request id that caused it', async () => {
    const orderId = randomUUID();
    const requestId = `req-${randomUUID()}`;
    const logs = captureLogs();
    try {
      await approve(orderId, TRANSIENT_FAILURE_AMOUNT, requestId);
      await producer.get(OutboxRelay).drainOnce();
      await eventually(
        async () => expect((await effectsOf(orderId)).length).toBeGreaterThan(0),
        10_000,
        'the retried effect',
      );
      await sleep(300);
    } finally {
      logs.restore();
    }
    expect(await effectsOf(orderId)).toHaveLength(1);
    const about = consumerLinesAbout(logs.lines(), await eventIdOf(orderId));
    // the handler's line on each attempt, the dispatcher's and the broker's on the failed one
    expect(about.map((line) => line.msg)).toEqual(
      expect.arrayContaining([
        'fixture effect recorded',
        'event not applied yet; will be delivered again',
        'event handling failed; retrying after a delay',
      ]),
    );
    expect(about.filter((line) => line.msg === 'fixture effect recorded')).toHaveLength(2);
    expect(new Set(about.map((line) => line.request_id))).toEqual(new Set([requestId]));
  });

  it('dead-letters what can never apply, lists it for an admin and re-drives it', async () => {
    const orderId = randomUUID();
    const requestId = `req-${randomUUID()}`;
    const logs = captureLogs();
    await approve(orderId, PERMANENT_FAILURE_AMOUNT, requestId);
    await producer.get(OutboxRelay).drainOnce();
    const admin = `Bearer ${await issuer.mint({ role: 'admin' })}`;
    const dead = await eventually(
      async () => {
        const res = await request(consumer.getHttpServer())
          .get('/api/v1/admin/events/dead-letters')
          .set('authorization', admin)
          .expect(200);
        const letter = (res.body.items as Array<{ id: string; reason: string; type: string }>).find(
          (item) => item.type === 'payment.approved',
        );
        if (!letter) throw new Error('not dead-lettered yet');
        return letter;
      },
      10_000,
      'the dead letter',
    ).finally(() => logs.restore());
    expect(dead.reason).toMatch(/rejected/);
    const about = consumerLinesAbout(logs.lines(), await eventIdOf(orderId));
    expect(about.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['event rejected: it can never apply here', 'event dead-lettered']),
    );
    expect(new Set(about.map((line) => line.request_id))).toEqual(new Set([requestId]));
    expect(await effectsOf(orderId)).toHaveLength(0);
    await request(consumer.getHttpServer())
      .post(`/api/v1/admin/events/dead-letters/${dead.id}/redrive`)
      .set('authorization', admin)
      .expect(204);
    await request(consumer.getHttpServer())
      .post('/api/v1/admin/events/dead-letters/no-such-letter/redrive')
      .set('authorization', admin)
      .expect(404);
    const customer = `Bearer ${await issuer.mint({ role: 'customer' })}`;
    await request(consumer.getHttpServer())
      .get('/api/v1/admin/events/dead-letters')
      .set('authorization', customer)
      .expect(403);
  });
});
