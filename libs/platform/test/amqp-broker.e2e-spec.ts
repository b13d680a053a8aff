import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
import { TcpProxy } from '@app/testing';
import { catalogueSubscriptions, type AmqpEventBroker, type HandleResult } from '../src';
import { serviceQueues } from '../src/events/amqp/amqp-topology';
import {
  AMQP_TEST_URL,
  cleanUp,
  collectLogs,
  envelope,
  eventually,
  readyCount,
  requireBroker,
  startBroker,
  testPrefix,
} from './amqp-support';

describe('AmqpEventBroker: publish, routing, acknowledgement (real RabbitMQ)', () => {
  const prefix = testPrefix();
  const services = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
  const brokers: AmqpEventBroker[] = [];
  const proxies: TcpProxy[] = [];
  const proxy = async () => {
    const started = await TcpProxy.start({ host: '127.0.0.1', port: 5672 });
    proxies.push(started);
    return started;
  };
  let logs: ReturnType<typeof collectLogs>;

  const broker = (options = {}) => {
    const started = startBroker(prefix, {}, options);
    brokers.push(started);
    return started;
  };

  beforeAll(async () => {
    await requireBroker();
    logs = collectLogs();
  });
  afterAll(async () => {
    await Promise.all(brokers.map((b) => b.close()));
    await Promise.all(proxies.map((p) => p.stop()));
    await cleanUp(prefix, services);
    logs.restore();
  });

  it('delivers each published event, as published, once the broker confirmed it', async () => {
    const payloads = fc.sample(
      fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
      { numRuns: 40, seed: 20261203 },
    );
    const received = new Map<string, unknown>();
    const consumer = broker();
    await consumer.consume('alpha', ['order.paid'], async (message) => {
      const body = message as { id: string };
      received.set(body.id, message);
      return 'done';
    });
    const publisher = broker();
    const sent = payloads.map((payload) => envelope('order.paid', payload));
    await Promise.all(sent.map((event) => publisher.publish(event)));

    await eventually(() => expect(received.size).toBe(sent.length));
    for (const event of sent)
      expect(received.get(event.id)).toEqual(JSON.parse(JSON.stringify(event)));
    // every payload went through the log lines' reach: none of it may be in them
    expect(logs.text()).not.toContain(sent[0].subject);
  });

  it('routes an event only to the queues bound to its type', async () => {
    const seen: Record<string, string[]> = { beta: [], gamma: [] };
    const consumer = broker();
    const record = (service: string) => async (message: unknown) => {
      seen[service].push((message as { type: string }).type);
      return 'done' as const;
    };
    await consumer.consume('beta', ['order.cancelled'], record('beta'));
    await consumer.consume('gamma', ['order.cancelled', 'payment.approved'], record('gamma'));
    const types = fc.sample(
      fc.constantFrom('order.cancelled', 'payment.approved', 'delivery.created', 'order.placed'),
      { numRuns: 60, seed: 7 },
    );
    const publisher = broker();
    for (const type of types) await publisher.publish(envelope(type));

    const count = (wanted: string[]) => types.filter((type) => wanted.includes(type)).length;
    await eventually(() => {
      expect(seen.beta).toHaveLength(count(['order.cancelled']));
      expect(seen.gamma).toHaveLength(count(['order.cancelled', 'payment.approved']));
    });
    await sleep(300);
    expect(new Set(seen.beta)).toEqual(new Set(['order.cancelled']));
    expect(seen.gamma.sort()).toEqual(
      types.filter((type) => type === 'order.cancelled' || type === 'payment.approved').sort(),
    );
  });

  it('acknowledges only after the handler is done: a consumer killed mid-handling loses nothing', async () => {
    const toBroker = await proxy();
    const doomed = startBroker(prefix, { AMQP_URL: toBroker.rewrite(AMQP_TEST_URL) });
    brokers.push(doomed);
    const first: string[] = [];
    let release!: (result: HandleResult) => void;
    const held = new Promise<HandleResult>((resolve) => (release = resolve));
    const events = Array.from({ length: 5 }, () => envelope('order.validated'));
    const finished = events[0].id;
    await doomed.consume('delta', ['order.validated'], async (message) => {
      const id = (message as { id: string }).id;
      first.push(id);
      return id === finished ? 'done' : held;
    });
    const publisher = broker();
    for (const event of events) await publisher.publish(event);
    await eventually(() => expect(first).toHaveLength(events.length));
    // four are held by the consumer, none is ready for another: they are not acknowledged
    expect(await readyCount(serviceQueues('delta', prefix).main)).toBe(0);

    await toBroker.cut(); // the consumer's process "dies" with four messages in hand
    release('done'); // too late: its channel is gone, the acknowledgements are not sent
    const second: string[] = [];
    await broker().consume('delta', ['order.validated'], async (message) => {
      second.push((message as { id: string }).id);
      return 'done';
    });
    await eventually(() =>
      expect(second.sort()).toEqual(
        events
          .slice(1)
          .map((e) => e.id)
          .sort(),
      ),
    );
    await sleep(300);
    expect(second).not.toContain(finished);
  });

  it('keeps what is published before its consumer first starts, given the subscriptions', async () => {
    const publisher = broker({ subscriptions: { epsilon: ['order.paid', 'order.cancelled'] } });
    const events = ['order.paid', 'order.cancelled', 'order.placed'].map((type) => envelope(type));
    for (const event of events) await publisher.publish(event);
    const received: string[] = [];
    await broker().consume('epsilon', ['order.paid', 'order.cancelled'], async (message) => {
      received.push((message as { id: string }).id);
      return 'done';
    });
    await eventually(() => expect(received).toEqual([events[0].id, events[1].id]));
  });

  it('derives the subscriptions from the catalogue', () => {
    const subscriptions = catalogueSubscriptions();
    expect(subscriptions.order).toContain('payment.approved');
    expect(subscriptions.delivery).toContain('order.paid');
    for (const types of Object.values(subscriptions)) expect(types.length).toBeGreaterThan(0);
  });

  it('rejects a publish the broker cannot confirm in time, and says so without the URL', async () => {
    const nowhere = await proxy();
    await nowhere.cut();
    const offline = startBroker(prefix, {
      AMQP_URL: nowhere.rewrite(AMQP_TEST_URL),
      AMQP_PUBLISH_TIMEOUT_MS: '300',
    });
    await expect(offline.publish(envelope('order.paid'))).rejects.toThrow(
      'the broker did not confirm the event: timed out',
    );
    await offline.close();
    expect(logs.text()).toContain(`127.0.0.1:${nowhere.port}`);
    expect(logs.text()).not.toContain('guest:guest');
  });
});
