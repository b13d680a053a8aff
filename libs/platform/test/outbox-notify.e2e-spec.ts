// The relay is woken by the database (LISTEN/NOTIFY), not by polling. Its fallback poll is set
// to a minute here, so only a notification, a reconnection's drain or a pass the relay timed
// for a backoff can explain a delivery within seconds.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import {
  TestDatabase,
  TestTokenIssuer,
  createTestDatabase,
  eventually,
  startTestService,
  testEnv,
} from '@app/testing';
import { FakeUpstream, startFakeUpstream } from './fake-upstream';
import { MessagingFixtureModule } from './messaging-fixture.module';

const FALLBACK_POLL_MS = 60_000;
/** well under the fallback poll: what a woken relay takes on a busy 2-core machine */
const PROMPT_MS = 5000;

describe('outbox relay woken by notifications (real PostgreSQL, real HTTP receiver)', () => {
  let db: TestDatabase;
  let issuer: TestTokenIssuer;
  let receiver: FakeUpstream;
  let app: NestFastifyApplication;
  let admin: Client;

  const emit = (aggregate: string) =>
    request(app.getHttpServer())
      .post('/api/v1/fixture/emit')
      .send({ aggregate, count: 1 })
      .expect(200);
  const delivered = () => receiver.bodies.map((body) => String(body.subject));
  /** the backend of the relay's listening connection, once it listens */
  const listener = () =>
    eventually(
      'the relay listens',
      async () => {
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = $1 AND application_name LIKE '%:outbox-listener'
              AND state = 'idle' AND query LIKE 'LISTEN%'`,
          [db.name],
        );
        return rows.map((row) => row.pid);
      },
      (pids) => pids.length === 1,
    ).then(([pid]) => pid);
  /** statements the service's pooled connections started since `since` (database clock) */
  const statementsSince = async (since: Date): Promise<number> => {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = $1 AND application_name = 'payment-service' AND query_start > $2`,
      [db.name, since],
    );
    return rows[0].n;
  };
  const databaseNow = async (): Promise<Date> =>
    (await admin.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0].now;

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    db = await createTestDatabase('outbox_notify');
    admin = new Client({ connectionString: db.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await db?.drop();
    await issuer?.stop();
  });
  beforeEach(async () => {
    receiver = await startFakeUpstream();
    app = await startTestService(
      MessagingFixtureModule.forRoot(
        testEnv({
          databaseUrl: db.url,
          issuer,
          extra: {
            ORDER_SERVICE_URL: receiver.url,
            OUTBOX_RELAY_ENABLED: 'true',
            OUTBOX_POLL_INTERVAL_MS: String(FALLBACK_POLL_MS),
            OUTBOX_BACKOFF_BASE_MS: '1000',
            OUTBOX_BACKOFF_MAX_MS: '1000',
            UPSTREAM_RETRIES: '0',
            UPSTREAM_BREAKER_THRESHOLD: '1000',
            RATE_LIMIT_PER_MINUTE: '100000',
            LOG_LEVEL: 'error',
          },
        }),
      ),
    );
    await listener();
  });
  afterEach(async () => {
    await app?.close();
    await receiver?.stop();
    await admin.query('DELETE FROM outbox_messages');
  });

  it('delivers an event as soon as its transaction commits, long before the fallback poll', async () => {
    const emittedAt = Date.now();
    await emit('prompt');
    await eventually(() => expect(delivered()).toEqual(['prompt']), PROMPT_MS);
    expect(Date.now() - emittedAt).toBeLessThan(PROMPT_MS);
  });

  it('picks up, once it listens again, an event notified while its connection was lost', async () => {
    await emit('before');
    await eventually(() => expect(delivered()).toEqual(['before']), PROMPT_MS);
    const lost = await listener();
    // A copy of that event (a new id) committed right after the listening backend is gone, and
    // well before the relay's first reconnection attempt (100 ms later): nobody hears it.
    await admin.query('BEGIN');
    await admin.query(
      `INSERT INTO outbox_messages (id, type, aggregate_id, destination, path, payload)
       SELECT gen_random_uuid(), type, 'missed', destination, path,
              payload || jsonb_build_object('id', gen_random_uuid(), 'subject', 'missed')
         FROM outbox_messages LIMIT 1`,
    );
    const { rows } = await admin.query<{ gone: boolean }>(
      'SELECT pg_terminate_backend($1, 5000) AS gone',
      [lost],
    );
    await admin.query('COMMIT');
    expect(rows[0].gone).toBe(true);
    await eventually(() => expect(delivered()).toEqual(['before', 'missed']), PROMPT_MS);
    expect(await listener()).not.toBe(lost); // a new connection, listening
  });

  it('runs no statement at all while idle', async () => {
    await emit('warm');
    await eventually(() => expect(delivered()).toEqual(['warm']), PROMPT_MS);
    await sleep(300); // the pass that delivered it ends
    const since = await databaseNow();
    await sleep(3000);
    expect(await statementsSince(since)).toBe(0);
    // and it is still awake
    await emit('after');
    await eventually(() => expect(delivered()).toEqual(['warm', 'after']), PROMPT_MS);
  });

  it('retries a failed delivery when its backoff ends, without polling', async () => {
    receiver.mode = 'error'; // 503, a backoff of 0.5-1 s
    await emit('retried');
    const failed = await eventually(
      'the first attempt failed',
      async () =>
        (
          await admin.query<{ attempts: number; next_attempt_at: Date }>(
            `SELECT attempts, next_attempt_at FROM outbox_messages WHERE aggregate_id = 'retried'`,
          )
        ).rows[0],
      (row) => row?.attempts === 1,
    );
    receiver.mode = 'ok';
    await eventually(() => expect(delivered()).toEqual(['retried']), PROMPT_MS);
    // the receiver answers before the relay records the acknowledgement
    const row = await eventually(
      'the retry acknowledged',
      async () =>
        (
          await admin.query<{ attempts: number; delivered_at: Date | null }>(
            `SELECT attempts, delivered_at FROM outbox_messages WHERE aggregate_id = 'retried'`,
          )
        ).rows[0],
      (r) => r?.delivered_at != null,
      { timeoutMs: PROMPT_MS },
    );
    expect(row.attempts).toBe(2);
    // not before its backoff ended, and not much after
    expect(row.delivered_at!.getTime()).toBeGreaterThanOrEqual(failed.next_attempt_at.getTime());
    expect(row.delivered_at!.getTime() - failed.next_attempt_at.getTime()).toBeLessThan(1500);
  });
});
