// How the outbox relay recovers. Its claim lease is short and renewed while a batch is being
// delivered: a slow delivery is not handed to a second relay while the first is still on it,
// and the messages a dead relay had claimed are delivered by another within the lease. A
// receiver that answers again gets the messages that were waiting out a backoff at once.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { DataSource } from 'typeorm';
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

const LEASE_SECONDS = 2; // renewed about every 0.7 s

describe('outbox relay recovery (real PostgreSQL, real HTTP receiver)', () => {
  let db: TestDatabase;
  let issuer: TestTokenIssuer;
  let receiver: FakeUpstream;
  let app: NestFastifyApplication;

  const env = () =>
    testEnv({
      databaseUrl: db.url,
      issuer,
      extra: {
        ORDER_SERVICE_URL: receiver.url,
        OUTBOX_RELAY_ENABLED: 'false',
        OUTBOX_CLAIM_LEASE_SECONDS: String(LEASE_SECONDS),
        UPSTREAM_TIMEOUT_MS: '6000',
        UPSTREAM_RETRIES: '0',
        UPSTREAM_BREAKER_THRESHOLD: '1000',
        // a failed delivery waits 30 to 60 s: long enough to tell a wake-up from a backoff
        OUTBOX_BACKOFF_BASE_MS: '30000',
        OUTBOX_BACKOFF_MAX_MS: '60000',
        RATE_LIMIT_PER_MINUTE: '100000',
        LOG_LEVEL: 'error',
      },
    });
  const emit = (aggregate: string) =>
    request(app.getHttpServer())
      .post('/api/v1/fixture/emit')
      .send({ aggregate, count: 1 })
      .expect(200);
  const statuses = async (): Promise<string[]> =>
    (
      (await app
        .get(DataSource)
        .query(`SELECT status FROM outbox_messages ORDER BY sequence`)) as Array<{
        status: string;
      }>
    ).map((row) => row.status);

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    db = await createTestDatabase('outbox_lease');
    receiver = await startFakeUpstream();
    app = await startTestService(MessagingFixtureModule.forRoot(env()));
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.stop();
    await db?.drop();
    await issuer?.stop();
  });
  beforeEach(async () => {
    await app.get(DataSource).query(`DELETE FROM outbox_messages`);
    receiver.mode = 'ok';
    receiver.hits = 0;
  });

  it('a delivery slower than the lease keeps its claim: a second relay does not send it again', async () => {
    await emit('slow');
    receiver.mode = 'slow';
    receiver.delayMs = (LEASE_SECONDS + 2) * 1000;
    const second = await startTestService(MessagingFixtureModule.forRoot(env()));
    try {
      const first = app.get(OutboxRelay).drainOnce();
      await sleep((LEASE_SECONDS + 1) * 1000); // past the lease the claim set at first
      expect(await second.get(OutboxRelay).drainOnce()).toBe(0);
      expect(await first).toBe(1);
      expect(receiver.hits).toBe(1);
      expect(await statuses()).toEqual(['delivered']);
    } finally {
      await second.close();
    }
  }, 30_000);

  it('the messages a relay had claimed when it died are delivered by another within the lease', async () => {
    await emit('orphan');
    // what a claim leaves behind when its process dies before delivering: a lease nobody renews
    await app
      .get(DataSource)
      .query(`UPDATE outbox_messages SET locked_until = now() + make_interval(secs => $1)`, [
        LEASE_SECONDS,
      ]);
    const diedAt = Date.now();
    expect(await app.get(OutboxRelay).drainOnce()).toBe(0); // still someone else's
    let delivered = 0;
    while (delivered === 0 && Date.now() - diedAt < (LEASE_SECONDS + 5) * 1000) {
      await sleep(100);
      delivered = await app.get(OutboxRelay).drainOnce();
    }
    expect(delivered).toBe(1);
    expect(Date.now() - diedAt).toBeLessThan((LEASE_SECONDS + 1.5) * 1000);
    expect(receiver.hits).toBe(1);
  }, 30_000);

  it('a receiver that answers again gets the messages waiting out their backoff at once, not after it', async () => {
    receiver.mode = 'error'; // 503: down
    await emit('a');
    await emit('b');
    expect(await app.get(OutboxRelay).drainOnce()).toBe(0); // both failed, due again in 30-60 s
    expect(await statuses()).toEqual(['pending', 'pending']);
    receiver.mode = 'ok';
    await emit('c');
    expect(await app.get(OutboxRelay).drainOnce()).toBe(1); // c, the receiver is back
    expect(await app.get(OutboxRelay).drainOnce()).toBe(2); // a and b, woken by it
    expect(await statuses()).toEqual(['delivered', 'delivered', 'delivered']);
  }, 30_000);
});
