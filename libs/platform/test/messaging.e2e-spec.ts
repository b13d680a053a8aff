import fc from 'fast-check';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import request from 'supertest';
import {
  TestDatabase,
  TestTokenIssuer,
  createTestDatabase,
  startTestService,
  testEnv,
} from '@app/testing';
import { OutboxRelay } from '../src';
import { FakeUpstream, startFakeUpstream } from './fake-upstream';
import { MessagingFixtureModule } from './messaging-fixture.module';

describe('outbox, relay and inbox (real PostgreSQL, real HTTP receiver)', () => {
  let db: TestDatabase;
  let issuer: TestTokenIssuer;
  let receiver: FakeUpstream;
  let app: NestFastifyApplication;

  const envFor = (extra: Record<string, string> = {}) =>
    testEnv({
      databaseUrl: db.url,
      issuer,
      extra: {
        ORDER_SERVICE_URL: receiver.url,
        OUTBOX_RELAY_ENABLED: 'false',
        OUTBOX_MAX_ATTEMPTS: '3',
        OUTBOX_BACKOFF_BASE_MS: '10',
        OUTBOX_BACKOFF_MAX_MS: '20',
        UPSTREAM_TIMEOUT_MS: '300',
        UPSTREAM_BREAKER_THRESHOLD: '1000',
        RATE_LIMIT_PER_MINUTE: '100000',
        ...extra,
      },
    });

  const http = () => request(app.getHttpServer());
  const relay = () => app.get(OutboxRelay);
  const rows = (): Promise<Array<{ status: string; attempts: number; aggregate_id: string }>> =>
    app
      .get(DataSource)
      .query(`SELECT status, attempts, aggregate_id FROM outbox_messages ORDER BY sequence`);
  const waitForBackoff = () => sleep(60);
  /** what the receiver acknowledged: the envelopes' subject (aggregate), amount (n) and id */
  const sent = () =>
    receiver.bodies.map((b) => ({
      aggregate: String(b.subject),
      n: (b.payload as { amount: number }).amount,
      id: String(b.id),
    }));

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
  });
  afterAll(() => issuer.stop());

  beforeEach(async () => {
    db = await createTestDatabase('messaging');
    receiver = await startFakeUpstream();
    app = await startTestService(MessagingFixtureModule.forRoot(envFor()));
  });
  afterEach(async () => {
    await app.close();
    await receiver.stop();
    await db.drop();
  });

  it('stores messages only when the state change commits', async () => {
    await http()
      .post('/api/v1/fixture/emit')
      .send({ aggregate: 'a', count: 2, fail: true })
      .expect(500);
    expect(await rows()).toEqual([]);
    await http().post('/api/v1/fixture/emit').send({ aggregate: 'a', count: 2 }).expect(200);
    expect((await rows()).map((r) => r.status)).toEqual(['pending', 'pending']);
  });

  it('delivers each event with its id to the receiver and marks it delivered', async () => {
    const emitted = await http()
      .post('/api/v1/fixture/emit')
      .send({ aggregate: 'a', count: 2 })
      .expect(200);
    expect(await relay().drainOnce()).toBe(2);
    expect(sent().map((b) => b.n)).toEqual([1, 2]);
    expect(new Set(sent().map((b) => b.id)).size).toBe(2);
    // each delivery runs under the X-Request-Id of the request that caused the event
    expect(receiver.received.map((r) => r.requestId)).toEqual(
      Array(2).fill(emitted.headers['x-request-id']),
    );
    expect((await rows()).map((r) => r.status)).toEqual(['delivered', 'delivered']);
    expect(await relay().drainOnce()).toBe(0);
  });

  it("acknowledges a batch's delivered messages together, whatever the others' outcome (generated batches)", async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(names, { minLength: 1 }),
        fc.func(fc.boolean()),
        async (aggregates, refuses) => {
          await app.get(DataSource).query('DELETE FROM outbox_messages');
          receiver.bodies.length = 0;
          const refused = new Set(aggregates.filter((name) => refuses(name)));
          receiver.refuse = (body) => refused.has(String(body.subject));
          for (const aggregate of aggregates) {
            await http().post('/api/v1/fixture/emit').send({ aggregate, count: 1 }).expect(200);
          }
          // the relay's acknowledgements, as statements (the real DataSource underneath)
          const source = app.get(DataSource);
          const query = source.query.bind(source);
          const acknowledged: number[] = [];
          const spy = jest.spyOn(source, 'query').mockImplementation((sql, params) => {
            if (sql.includes("SET status = 'delivered'")) {
              acknowledged.push((params as unknown[][])[0].length);
            }
            return query(sql, params);
          });
          try {
            // one batch (OUTBOX_BATCH_SIZE is larger than eight): the delivered ones, and only they
            expect(await relay().drainOnce()).toBe(aggregates.length - refused.size);
          } finally {
            spy.mockRestore();
          }
          // one statement for the batch's delivered messages, none when none was delivered
          const delivered = aggregates.length - refused.size;
          expect(acknowledged).toEqual(delivered > 0 ? [delivered] : []);
          const after = await rows();
          for (const row of after) {
            const status = refused.has(row.aggregate_id) ? 'pending' : 'delivered';
            expect({ aggregate: row.aggregate_id, status, attempts: 1 }).toEqual({
              aggregate: row.aggregate_id,
              status: row.status,
              attempts: row.attempts,
            });
          }
          receiver.refuse = undefined;
          await waitForBackoff();
          expect(await relay().drainOnce()).toBe(refused.size);
          expect((await rows()).every((row) => row.status === 'delivered')).toBe(true);
          expect(
            sent()
              .map((b) => b.aggregate)
              .sort(),
          ).toEqual([...aggregates].sort());
        },
      ),
      { numRuns: 15 },
    );
  });

  it('keeps retrying while the receiver is down, in order per aggregate, and delivers once it is back', async () => {
    await http().post('/api/v1/fixture/emit').send({ aggregate: 'a', count: 3 }).expect(200);
    receiver.mode = 'error';
    await relay().drainOnce();
    // only the head of the aggregate was tried; the others wait behind it
    expect((await rows()).map((r) => r.attempts)).toEqual([1, 0, 0]);
    receiver.mode = 'ok';
    await waitForBackoff();
    await relay().drainOnce();
    expect(sent().map((b) => b.n)).toEqual([1, 2, 3]);
  });

  it('dead-letters after the maximum attempts, holds the aggregate back, and re-drives on an admin request', async () => {
    await http().post('/api/v1/fixture/emit').send({ aggregate: 'a', count: 2 }).expect(200);
    await http().post('/api/v1/fixture/emit').send({ aggregate: 'b', count: 1 }).expect(200);
    receiver.mode = 'not_found';
    for (let i = 0; i < 3; i += 1) {
      await relay().drainOnce();
      await waitForBackoff();
    }
    expect((await rows()).map((r) => `${r.aggregate_id}:${r.status}`)).toEqual([
      'a:dead',
      'a:pending',
      'b:dead',
    ]);

    const admin = await issuer.admin();
    const dead = await http()
      .get('/api/v1/admin/outbox?status=dead')
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect(dead.body.total).toBe(2);
    expect(dead.body.items[0]).toMatchObject({
      status: 'dead',
      attempts: 3,
      last_error: 'HTTP 404',
    });

    await http()
      .get('/api/v1/admin/outbox')
      .set('authorization', `Bearer ${await issuer.customer()}`)
      .expect(403);

    receiver.mode = 'ok';
    const aHead = dead.body.items.find((m: { aggregate_id: string }) => m.aggregate_id === 'a');
    const redriven = await http()
      .post(`/api/v1/admin/outbox/${aHead.id}/redrive`)
      .set('authorization', `Bearer ${admin}`)
      .expect(200);
    expect(redriven.body.status).toBe('pending');
    await http()
      .post(`/api/v1/admin/outbox/${aHead.id}/redrive`)
      .set('authorization', `Bearer ${admin}`)
      .expect(409);
    await relay().drainOnce();
    expect(sent().map((b) => `${b.aggregate}${b.n}`)).toEqual(['a1', 'a2']);
  });

  it('delivers every message exactly once with two relays draining the same outbox', async () => {
    const second = await startTestService(MessagingFixtureModule.forRoot(envFor()));
    try {
      for (const aggregate of ['a', 'b', 'c', 'd', 'e']) {
        await http().post('/api/v1/fixture/emit').send({ aggregate, count: 10 }).expect(200);
      }
      await Promise.all([
        relay().drainOnce(),
        second.get(OutboxRelay).drainOnce(),
        relay().drainOnce(),
      ]);
      const ids = sent().map((b) => b.id);
      expect(ids).toHaveLength(50);
      expect(new Set(ids).size).toBe(50);
      for (const aggregate of ['a', 'b', 'c', 'd', 'e']) {
        const ns = sent()
          .filter((b) => b.aggregate === aggregate)
          .map((b) => b.n);
        expect(ns).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      }
    } finally {
      await second.close();
    }
  });

  it('runs the relay on its own when enabled', async () => {
    const running = await startTestService(
      MessagingFixtureModule.forRoot(
        envFor({ OUTBOX_RELAY_ENABLED: 'true', OUTBOX_POLL_INTERVAL_MS: '20' }),
      ),
    );
    try {
      await request(running.getHttpServer())
        .post('/api/v1/fixture/emit')
        .send({ aggregate: 'z', count: 1 })
        .expect(200);
      const deadline = Date.now() + 5000;
      while (receiver.bodies.length === 0 && Date.now() < deadline) {
        await sleep(20);
      }
      expect(sent().map((b) => b.aggregate)).toEqual(['z']);
    } finally {
      await running.close();
    }
  });

  it('records a message id once, and not at all when the effect fails', async () => {
    const id = randomUUID();
    await http().post('/api/v1/fixture/receive').send({ message_id: id, fail: true }).expect(500);
    const first = await http().post('/api/v1/fixture/receive').send({ message_id: id }).expect(200);
    const again = await http().post('/api/v1/fixture/receive').send({ message_id: id }).expect(200);
    expect(first.body.first).toBe(true);
    expect(again.body.first).toBe(false);
    const concurrent = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        http().post('/api/v1/fixture/receive').send({ message_id: concurrent }),
      ),
    );
    expect(answers.filter((a) => a.body.first === true)).toHaveLength(1);
  });
});
