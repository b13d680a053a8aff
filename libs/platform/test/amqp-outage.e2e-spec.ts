import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
import { TcpProxy } from '@app/testing';
import type { EventEnvelope } from '@app/contracts';
import type { AmqpEventBroker } from '../src';
import {
  AMQP_TEST_URL,
  cleanUp,
  collectLogs,
  envelope,
  eventually,
  requireBroker,
  startBroker,
  testPrefix,
} from './amqp-support';

const EVENTS = 400;
const CONCURRENCY = 8;

describe('AmqpEventBroker: the broker connection cut mid-flow (real RabbitMQ, local TCP proxy)', () => {
  const prefix = testPrefix();
  let proxy: TcpProxy;
  const brokers: AmqpEventBroker[] = [];
  let logs: ReturnType<typeof collectLogs>;

  const broker = () => {
    const started = startBroker(
      prefix,
      { AMQP_URL: proxy.rewrite(AMQP_TEST_URL), AMQP_PUBLISH_TIMEOUT_MS: '1500' },
      { reconnectSeconds: 0.5, heartbeatSeconds: 2 },
    );
    brokers.push(started);
    return started;
  };

  beforeAll(async () => {
    await requireBroker();
    logs = collectLogs();
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: 5672 });
  });
  afterAll(async () => {
    await Promise.all(brokers.map((b) => b.close()));
    await proxy.stop();
    await cleanUp(prefix, ['outage']);
    logs.restore();
  });

  it('handles every event published around two outages exactly once (by its id)', async () => {
    // two instances of the consuming service, one producer: all through the proxy
    const deliveries = new Map<string, number>();
    const applied = new Set<string>();
    const handler = async (message: unknown) => {
      const id = (message as EventEnvelope).id;
      deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
      await sleep(Math.random() * 10); // some messages are in hand when the connection goes
      applied.add(id); // idempotent, as the inbox makes it
      return 'done' as const;
    };
    for (let i = 0; i < 2; i++) await broker().consume('outage', ['order.paid'], handler);
    const producer = broker();

    const payloads = fc.sample(fc.record({ order_id: fc.uuid(), amount: fc.nat() }), {
      numRuns: EVENTS,
      seed: 42,
    });
    const events = payloads.map((payload) => envelope('order.paid', payload));
    let failedPublishes = 0;
    let confirmed = 0;
    let slowConfirms = 0; // publishes that waited for the connection, then were confirmed
    // what the outbox relay does: a publish that is not confirmed stays pending and is retried
    const publishUntilConfirmed = async (event: EventEnvelope) => {
      for (;;) {
        const started = Date.now();
        try {
          await producer.publish(event);
          if (Date.now() - started > 300) slowConfirms++;
          confirmed++;
          return;
        } catch {
          failedPublishes++;
          await sleep(100);
        }
      }
    };
    const queue = [...events];
    const publishing = Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let event = queue.shift(); event; event = queue.shift()) {
          await publishUntilConfirmed(event);
          await sleep(5);
        }
      }),
    );

    const outages = [3000, 2000];
    for (const [index, downMs] of outages.entries()) {
      await eventually(() => expect(confirmed).toBeGreaterThan(((index + 1) * EVENTS) / 4));
      const connectionsBefore = proxy.connectionsAccepted;
      await proxy.cut();
      await sleep(downMs);
      await proxy.restore();
      // the three clients came back on their own
      await eventually(() =>
        expect(proxy.connectionsAccepted).toBeGreaterThanOrEqual(connectionsBefore + 3),
      );
    }
    await publishing;
    await eventually(() => expect(applied.size).toBe(EVENTS), 30_000);
    await sleep(1000); // any late redelivery

    const delivered = [...deliveries.values()].reduce((sum, n) => sum + n, 0);
    const figures = {
      published: EVENTS,
      failed_publish_attempts: failedPublishes,
      publishes_that_waited_then_confirmed: slowConfirms,
      handled: applied.size,
      deliveries: delivered,
      duplicates: delivered - applied.size,
      lost: events.filter((event) => !applied.has(event.id)).length,
      unknown: [...applied].filter((id) => !events.some((event) => event.id === id)).length,
    };
    process.stderr.write(`amqp outage figures: ${JSON.stringify(figures)}\n`);
    expect(figures).toMatchObject({ handled: EVENTS, lost: 0, unknown: 0 });
    expect(logs.text()).toContain('message broker unreachable; reconnecting');
    expect(logs.text()).toContain('connected to the message broker');
  }, 90_000);
});
