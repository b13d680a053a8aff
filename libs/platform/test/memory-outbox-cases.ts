import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { TcpProxy, captureLogs, eventually, startTestService, testEnv } from '@app/testing';
import { MemoryOutboxRelay } from '../src';
import { EventsFixturePair, EventsFixturePairOptions } from './events-fixture-pair';
import { MemoryOutboxProducerFixtureModule } from './memory-outbox-fixture.module';

export const PRODUCER_KEY = 'validation-key-0123456789abcdef';
/** the producer's queue holds at most this many messages */
export const CAPACITY = 8;

/** What the producer delivers to (the consumer over HTTP, or RabbitMQ), behind a proxy. */
export interface MemoryOutboxRig {
  pair: EventsFixturePair;
  proxy: TcpProxy;
  /** the environment of another producer like the pair's (same consumer, same proxy) */
  producerEnv(extra?: Record<string, string>): Record<string, string | undefined>;
  close(): Promise<void>;
}

/** Options of the pair both transports share; each adds its own, then starts it. */
export function memoryPairOptions(
  name: string,
  common: Record<string, string>,
  producerExtra: Record<string, string>,
): EventsFixturePairOptions {
  return {
    name,
    common: {
      RATE_LIMIT_PER_MINUTE: '100000',
      OUTBOX_BACKOFF_BASE_MS: '20',
      OUTBOX_BACKOFF_MAX_MS: '100',
      UPSTREAM_TIMEOUT_MS: '1000',
      // an open breaker would hold deliveries back for its half-open time, not what is tested
      UPSTREAM_BREAKER_THRESHOLD: '1000',
      ...common,
    },
    consumer: {
      serviceKeys: { 'order-validation': PRODUCER_KEY },
      extra: { OUTBOX_RELAY_ENABLED: 'false' },
    },
    producer: {
      module: MemoryOutboxProducerFixtureModule.forRoot,
      database: false,
      extra: memoryProducerEnv(producerExtra),
    },
  };
}

export function memoryProducerEnv(extra: Record<string, string>): Record<string, string> {
  return {
    SERVICE_API_KEY: PRODUCER_KEY,
    OUTBOX_RELAY_ENABLED: 'true',
    OUTBOX_MEMORY_CAPACITY: String(CAPACITY),
    OUTBOX_FLUSH_TIMEOUT_MS: '3000',
    ...extra,
  };
}

/** Starts one more producer (its own in-memory outbox), in the test that closes it. */
export async function startProducer(
  rig: MemoryOutboxRig,
  extra: Record<string, string> = {},
): Promise<NestFastifyApplication> {
  return startTestService(MemoryOutboxProducerFixtureModule.forRoot(rig.producerEnv(extra)));
}

/** A producer's environment like the pair's, for one more producer (`extra` on top). */
export function producerEnvOf(
  pair: EventsFixturePair,
  options: EventsFixturePairOptions,
  extra: Record<string, string>,
): Record<string, string | undefined> {
  return testEnv({
    issuer: pair.issuer,
    extra: { ...options.common, ...options.producer?.extra, ...extra },
  });
}

/** `ms` after a fixed instant: a validated_at unique to one event of a test. */
const stamp = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms).toISOString();

/**
 * The in-memory outbox's guarantees, the same through either transport: each event delivered
 * once, retried while what it is delivered to cannot be reached, one subject's events in the
 * order published, a full queue refusing whole publishes, a graceful shutdown flushing.
 */
export function memoryOutboxCases(rig: () => MemoryOutboxRig, transport: string): void {
  const producer = () => rig().pair.producer;
  const relayOf = (app: NestFastifyApplication) => app.get(MemoryOutboxRelay);
  const publish = (
    orderId: string,
    validatedAt = new Date().toISOString(),
    app = producer(),
    extra: Record<string, unknown> = {},
  ) =>
    request(app.getHttpServer())
      .post('/api/v1/fixture/validated')
      .send({ order_id: orderId, valid: true, validated_at: validatedAt, ...extra });
  const appliedFor = async (orderId: string) =>
    (await rig().pair.appliedInOrder()).filter((effect) => effect.subject === orderId);
  const allApplied = (orderIds: string[], what: string) =>
    eventually(
      async () => {
        for (const orderId of orderIds) expect(await appliedFor(orderId)).not.toHaveLength(0);
      },
      15_000,
      what,
    );
  /** the producer's warnings of failed attempts, per event id */
  const failedAttempts = (lines: string[]) =>
    lines
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; event_id?: string; attempts?: number })
      .filter((line) => line.msg === 'outbox delivery failed; will retry');

  // a failed test must not leave the way cut for the next
  afterEach(() => rig()?.proxy.restore());

  it(`delivers each event once (${transport})`, async () => {
    const orders = Array.from({ length: 6 }, () => randomUUID());
    for (const orderId of orders) await publish(orderId).expect(200);
    await allApplied(orders, 'every event applied');
    await eventually(() => expect(relayOf(producer()).waiting).toBe(0), 5000, 'nothing held');
    await sleep(300); // a duplicate would have arrived by now
    for (const orderId of orders) {
      expect((await appliedFor(orderId)).map((effect) => effect.type)).toEqual(['order.validated']);
    }
  });

  it(`retries while ${transport} cannot be reached, then delivers each once`, async () => {
    const orders = Array.from({ length: 3 }, () => randomUUID());
    await rig().proxy.cut();
    const logs = captureLogs();
    try {
      for (const orderId of orders) await publish(orderId).expect(200);
      // every event tried at least twice while the way is cut
      await eventually(
        () => {
          const failures = failedAttempts(logs.lines());
          expect(
            new Set(failures.filter((f) => (f.attempts ?? 0) >= 2).map((f) => f.event_id)),
          ).toHaveProperty('size', orders.length);
        },
        10_000,
        'repeated failed attempts',
      );
    } finally {
      logs.restore();
    }
    expect(relayOf(producer()).waiting).toBe(orders.length);
    for (const orderId of orders) expect(await appliedFor(orderId)).toEqual([]);
    await rig().proxy.restore();
    await allApplied(orders, 'the held events applied');
    await eventually(() => expect(relayOf(producer()).waiting).toBe(0), 5000, 'nothing held');
    await sleep(300);
    for (const orderId of orders) expect(await appliedFor(orderId)).toHaveLength(1);
  });

  it(`keeps one subject's events in the order published, across retries (${transport})`, async () => {
    const orderId = randomUUID();
    const other = randomUUID();
    const stamps = Array.from({ length: 4 }, (_, i) => stamp(i * 1000));
    await publish(orderId, stamps[0]).expect(200);
    await eventually(() => expect(relayOf(producer()).waiting).toBe(0), 5000, 'the first sent');
    await rig().proxy.cut();
    for (const [i, at] of stamps.slice(1).entries()) {
      await publish(orderId, at).expect(200);
      await publish(other, stamp(100_000 + i)).expect(200);
    }
    await sleep(400); // several failed attempts of the heads
    await rig().proxy.restore();
    await eventually(
      async () => expect(await appliedFor(orderId)).toHaveLength(stamps.length),
      15_000,
      "the subject's events",
    );
    expect((await appliedFor(orderId)).map((effect) => effect.detail)).toEqual(stamps);
    await eventually(
      async () =>
        expect((await appliedFor(other)).map((effect) => effect.detail)).toEqual(
          [0, 1, 2].map((i) => stamp(100_000 + i)),
        ),
      15_000,
      "the other subject's events",
    );
  });

  it(`refuses a publish whole when the queue is full (503), and takes more once it drains (${transport})`, async () => {
    await eventually(() => expect(relayOf(producer()).waiting).toBe(0), 5000, 'an empty queue');
    await rig().proxy.cut();
    const held = Array.from({ length: CAPACITY }, () => randomUUID());
    for (const orderId of held) await publish(orderId).expect(200);
    const refusedId = randomUUID();
    const refused = await publish(refusedId).expect(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      status: 503,
      detail: `Events cannot be delivered now (${CAPACITY} waiting, at most ${CAPACITY}). Try again shortly.`,
    });
    expect(refused.body.type).toMatch(/upstream-unavailable$/);
    expect(relayOf(producer()).waiting).toBe(CAPACITY);
    await rig().proxy.restore();
    await allApplied(held, 'the held events applied');
    await eventually(() => expect(relayOf(producer()).waiting).toBe(0), 5000, 'room again');
    await publish(refusedId).expect(200);
    await eventually(
      async () => expect(await appliedFor(refusedId)).toHaveLength(1),
      15_000,
      'the event published again',
    );
  });

  it(`flushes what it holds on a graceful shutdown (${transport})`, async () => {
    const app = await startProducer(rig(), { OUTBOX_FLUSH_TIMEOUT_MS: '10000' });
    const orders = [randomUUID(), randomUUID()];
    let closed = false;
    try {
      await rig().proxy.cut();
      for (const orderId of orders) await publish(orderId, undefined, app).expect(200);
      const closing = app.close().then(() => (closed = true));
      await sleep(500);
      expect(closed).toBe(false); // still flushing
      await rig().proxy.restore();
      await closing;
    } finally {
      await rig().proxy.restore();
      if (!closed) await app.close();
    }
    await allApplied(orders, 'the flushed events applied');
    for (const orderId of orders) expect(await appliedFor(orderId)).toHaveLength(1);
  });

  it(`loses, and says so, what it could not deliver within the flush time (${transport})`, async () => {
    const app = await startProducer(rig(), { OUTBOX_FLUSH_TIMEOUT_MS: '300' });
    const orderId = randomUUID();
    const logs = captureLogs();
    let seconds: number;
    try {
      await rig().proxy.cut();
      await publish(orderId, undefined, app).expect(200);
      const started = Date.now();
      await app.close();
      seconds = (Date.now() - started) / 1000;
    } finally {
      logs.restore();
      await rig().proxy.restore();
    }
    // the flush time, plus at most one attempt under way (1 s timeout) and the rest of the close
    expect(seconds).toBeLessThan(3);
    const lost = logs
      .lines()
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; lost?: number })
      .find(
        (line) => line.msg === 'in-memory outbox: events not delivered by the shutdown are lost',
      );
    expect(lost?.lost).toBe(1);
    await sleep(500);
    expect(await appliedFor(orderId)).toEqual([]);
  });
}
