import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { TcpProxy } from '@app/testing';
import { OutboxRelay } from '../src';
import { AMQP_TEST_URL, cleanUp, eventually, requireBroker, testPrefix } from './amqp-support';
import { EventsFixturePair, startEventsFixturePair } from './events-fixture-pair';

// A backoff far longer than the test: only the reconnection can make the events due again.
const BACKOFF_MS = 120_000;

describe('events waiting out a broker outage leave as soon as the broker is back (real RabbitMQ, TCP proxy)', () => {
  const prefix = testPrefix();
  let proxy: TcpProxy;
  let pair: EventsFixturePair;

  beforeAll(async () => {
    await requireBroker();
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(AMQP_TEST_URL).port) });
    pair = await startEventsFixturePair({
      name: 'amqp_backlog',
      common: {
        AMQP_URL: proxy.rewrite(AMQP_TEST_URL),
        AMQP_NAME_PREFIX: prefix,
        // long enough for a loaded machine once connected; while cut, each publish fails after it
        AMQP_PUBLISH_TIMEOUT_MS: '2000',
        OUTBOX_RELAY_ENABLED: 'false',
        OUTBOX_BACKOFF_BASE_MS: String(BACKOFF_MS),
        OUTBOX_BACKOFF_MAX_MS: String(BACKOFF_MS),
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
  });

  afterAll(async () => {
    await pair?.close();
    await proxy?.stop();
    await cleanUp(prefix, ['order', 'product', 'payment', 'delivery']);
  });

  const pending = async (): Promise<Array<{ id: string; next_attempt_at: Date }>> =>
    pair.producer
      .get(DataSource)
      .query(
        "SELECT id, next_attempt_at FROM outbox_messages WHERE status = 'pending' AND destination = '@broker'",
      );

  it('makes the failed publishes due on reconnection, and they are applied once', async () => {
    const relay = pair.producer.get(OutboxRelay);
    await proxy.cut();
    const orders: string[] = Array.from({ length: 5 }, () => randomUUID());
    for (const orderId of orders) {
      await request(pair.producer.getHttpServer())
        .post('/api/v1/fixture/approve')
        .send({ payment_id: randomUUID(), order_id: orderId, amount: 10 })
        .expect(200);
    }
    await relay.drainOnce(); // every publish fails: the broker is unreachable
    const waiting = await pending();
    expect(waiting).toHaveLength(orders.length);
    for (const row of waiting) {
      expect(new Date(row.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 30_000);
    }

    await proxy.restore();
    // once reconnected, the rows are due: a relay pass publishes them (not a backoff later)
    await eventually(
      async () => {
        await relay.drainOnce();
        expect(await pending()).toHaveLength(0);
      },
      20_000,
      'the waiting events published after the reconnection',
    );
    const effects = await eventually(
      async () => {
        const rows = (await pair.effects()).filter((e) => orders.includes(e.subject));
        expect(rows).toHaveLength(orders.length);
        return rows;
      },
      10_000,
      'the events applied by the consumer',
    );
    expect(new Set(effects.map((e) => e.event_id)).size).toBe(orders.length);
  });
});
