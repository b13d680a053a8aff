import amqplib from 'amqplib';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AmqpEventBroker, DeadLetter, HandleResult } from '../src';
import { exchangeName, serviceQueues } from '../src/events/amqp/amqp-topology';
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

const RETRY_DELAY_MS = 200;
const MAX_ATTEMPTS = 3;

describe('AmqpEventBroker: retries, dead letters, redrive (real RabbitMQ)', () => {
  const prefix = testPrefix();
  const services = ['retrying', 'exhausted', 'rejecting', 'redriven'];
  const brokers: AmqpEventBroker[] = [];
  let logs: ReturnType<typeof collectLogs>;
  /** in every payload: a log line that shows it would leak payloads */
  const secret = `secret-${randomBytes(8).toString('hex')}`;

  const broker = () => {
    const started = startBroker(prefix, {
      AMQP_RETRY_DELAY_MS: String(RETRY_DELAY_MS),
      AMQP_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    });
    brokers.push(started);
    return started;
  };
  const idOf = (message: unknown) => (message as { id: string }).id;

  beforeAll(async () => {
    await requireBroker();
    logs = collectLogs();
  });
  afterAll(async () => {
    await Promise.all(brokers.map((b) => b.close()));
    await cleanUp(prefix, services);
    logs.restore();
    expect(logs.text()).toContain('event dead-lettered');
    expect(logs.text()).not.toContain(secret);
  });

  it('delivers again after the retry delay, until the handler is done', async () => {
    // event i fails i times (by retry or by throwing), then succeeds
    const events = Array.from({ length: 6 }, () => envelope('order.paid', { secret }));
    const failuresOf = new Map(events.map((event, i) => [event.id, i % MAX_ATTEMPTS]));
    const calls = new Map<string, number[]>();
    await broker().consume('retrying', ['order.paid'], async (message) => {
      const id = idOf(message);
      const times = calls.get(id) ?? [];
      times.push(Date.now());
      calls.set(id, times);
      if (times.length > failuresOf.get(id)!) return 'done';
      if (times.length % 2) throw new Error(`database unavailable (${secret.length})`);
      return 'retry';
    });
    const publisher = broker();
    for (const event of events) await publisher.publish(event);

    await eventually(() => {
      for (const event of events)
        expect(calls.get(event.id)).toHaveLength(failuresOf.get(event.id)! + 1);
    });
    for (const times of calls.values())
      for (let i = 1; i < times.length; i++)
        expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(RETRY_DELAY_MS - 20);
    await sleep(RETRY_DELAY_MS * 2);
    expect([...calls.values()].map((t) => t.length)).toEqual(
      events.map((e) => failuresOf.get(e.id)! + 1),
    );
    expect(await readyCount(serviceQueues('retrying', prefix).dead)).toBe(0);
  });

  it('dead-letters a message after its last attempt, with the attempts and the reason', async () => {
    const broker1 = broker();
    const events = Array.from({ length: 4 }, () => envelope('order.cancelled', { secret }));
    const calls = new Map<string, number>();
    await broker1.consume('exhausted', ['order.cancelled'], async (message) => {
      calls.set(idOf(message), (calls.get(idOf(message)) ?? 0) + 1);
      if (calls.get(idOf(message))! % 2) throw new TypeError('upstream timed out');
      return 'retry';
    });
    const before = new Date().toISOString();
    for (const event of events) await broker1.publish(event);

    const dead = await eventually(async () => {
      const listed = await broker1.deadLetters('exhausted', 10, 0);
      expect(listed).toHaveLength(events.length);
      return listed;
    });
    expect([...calls.values()]).toEqual(events.map(() => MAX_ATTEMPTS));
    expect(dead.map((d) => d.event_id).sort()).toEqual(events.map((e) => e.id).sort());
    for (const letter of dead) {
      expect(letter).toMatchObject({ type: 'order.cancelled', attempts: MAX_ATTEMPTS });
      // the third attempt threw
      expect(letter.reason).toBe(
        `gave up after ${MAX_ATTEMPTS} attempts: TypeError: upstream timed out`,
      );
      expect(letter.dead_lettered_at >= before).toBe(true);
    }
    expect(await readyCount(serviceQueues('exhausted', prefix).main)).toBe(0);
    expect(await readyCount(serviceQueues('exhausted', prefix).retry)).toBe(0);
  });

  it('dead-letters at once what the handler rejects, raw non-JSON bodies included', async () => {
    const broker1 = broker();
    const received: unknown[] = [];
    await broker1.consume('rejecting', ['order.validated'], async (message) => {
      received.push(message);
      return 'reject';
    });
    const event = envelope('order.validated', { secret });
    await broker1.publish(event);
    // a message from something that is not this transport: no id, not JSON
    const connection = await amqplib.connect(AMQP_TEST_URL);
    const channel = await connection.createConfirmChannel();
    channel.publish(exchangeName(prefix), 'order.validated', Buffer.from(`not json ${secret}`));
    await channel.waitForConfirms();
    await connection.close();

    const dead = await eventually(async () => {
      const listed = await broker1.deadLetters('rejecting', 10, 0);
      expect(listed).toHaveLength(2);
      return listed;
    });
    expect(received).toEqual([JSON.parse(JSON.stringify(event)), `not json ${secret}`]);
    expect(dead).toEqual([
      expect.objectContaining({
        event_id: event.id,
        type: 'order.validated',
        reason: 'rejected by its handler',
        attempts: 1,
      }),
      expect.objectContaining({
        event_id: null,
        type: 'order.validated',
        reason: 'rejected by its handler',
        attempts: 1,
      }),
    ]);
  });

  it('lists dead letters oldest first, pages them, and re-drives one back to its consumer', async () => {
    const broker1 = broker();
    let healed = false;
    const handled: string[] = [];
    await broker1.consume('redriven', ['payment.declined'], async (message) => {
      if (!healed) return 'reject';
      handled.push(idOf(message));
      return 'done' as HandleResult;
    });
    const events = Array.from({ length: 7 }, () => envelope('payment.declined', { secret }));
    for (const event of events) {
      await broker1.publish(event);
      // one by one, so that the queue's order is the publishing order
      await eventually(async () =>
        expect((await broker1.deadLetters('redriven', 10, 0)).at(-1)?.event_id).toBe(event.id),
      );
    }
    const all = await broker1.deadLetters('redriven', 100, 0);
    expect(all.map((d) => d.event_id)).toEqual(events.map((e) => e.id));
    // browsing takes nothing away, and keeps the order
    expect(await broker1.deadLetters('redriven', 100, 0)).toEqual(all);
    expect(await broker1.deadLetters('redriven', 3, 2)).toEqual(all.slice(2, 5));
    expect(await broker1.deadLetters('redriven', 3, 6)).toEqual(all.slice(6));
    expect(new Set(all.map((d: DeadLetter) => d.id)).size).toBe(all.length);

    healed = true;
    expect(await broker1.redrive('redriven', all[3].id)).toBe(true);
    await eventually(() => expect(handled).toEqual([events[3].id]));
    const left = await broker1.deadLetters('redriven', 100, 0);
    expect(left).toEqual([...all.slice(0, 3), ...all.slice(4)]);
    expect(await broker1.redrive('redriven', all[3].id)).toBe(false);
    expect(await broker1.redrive('redriven', 'no-such-id')).toBe(false);
    expect(await broker1.deadLetters('redriven', 100, 0)).toEqual(left);
  });
});
