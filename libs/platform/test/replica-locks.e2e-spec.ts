import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import {
  TestDatabase,
  TestTokenIssuer,
  adminUrl,
  createTestDatabase,
  eventually,
  startTestService,
  testEnv,
} from '@app/testing';
import { ReplicaLocks } from '../src';
import { FixtureModule } from './fixture.module';

/** A promise the test settles when it chooses: work that runs until told to stop. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/**
 * ReplicaLocks.runIfFree: work one replica at a time does (payment reconciliation). Two
 * replicas of the fixture on one database, each with its own pool: while one runs the work,
 * the other skips it; a holder whose connection dies frees it.
 */
describe('ReplicaLocks: one replica at a time (real PostgreSQL)', () => {
  let db: TestDatabase;
  let issuer: TestTokenIssuer;
  let apps: NestFastifyApplication[];
  let a: ReplicaLocks;
  let b: ReplicaLocks;

  const admin = async <T extends object>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: adminUrl() });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  /** Backends of the suite's database holding an advisory lock. */
  const holders = () =>
    admin<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1`,
      [db.name],
    );

  beforeAll(async () => {
    db = await createTestDatabase('platform_replica_locks');
    issuer = await TestTokenIssuer.start();
    const env = testEnv({ databaseUrl: db.url, issuer, extra: { DB_POOL_MAX: '4' } });
    apps = [
      await startTestService(FixtureModule.forRoot(env)),
      await startTestService(FixtureModule.forRoot(env)),
    ];
    [a, b] = apps.map((app) => app.get(ReplicaLocks));
  });
  afterAll(async () => {
    for (const app of apps ?? []) await app.close();
    await issuer?.stop();
    await db?.drop();
  });

  it('while A runs the work, B (and A again) skip it; after A is done, B runs it', async () => {
    const held = gate();
    let ranElsewhere = 0;
    const first = a.runIfFree('fixture:pass', () => held.opened);
    await eventually(async () => expect(await holders()).toHaveLength(1), 5_000, 'A holds');

    expect(await b.runIfFree('fixture:pass', async () => (ranElsewhere += 1))).toBe(false);
    expect(await a.runIfFree('fixture:pass', async () => (ranElsewhere += 1))).toBe(false);
    expect(ranElsewhere).toBe(0);
    // another name is another lock
    expect(await b.runIfFree('fixture:other-pass', async () => (ranElsewhere += 1))).toBe(true);
    expect(ranElsewhere).toBe(1);

    held.open();
    expect(await first).toBe(true);
    expect(await holders()).toEqual([]);
    expect(await b.runIfFree('fixture:pass', async () => (ranElsewhere += 1))).toBe(true);
    expect(ranElsewhere).toBe(2);
  });

  it('many concurrent attempts from both replicas: the work runs once at a time', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const work = async () => {
      running += 1;
      runs += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 30));
      running -= 1;
    };
    for (let round = 0; round < 5; round += 1) {
      const outcomes = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).runIfFree('fixture:burst', work)),
      );
      expect(outcomes.filter(Boolean).length).toBeGreaterThanOrEqual(1);
    }
    expect(most).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(5);
  });

  it('a failing work releases the lock', async () => {
    await expect(
      a.runIfFree('fixture:failing', () => Promise.reject(new Error('pass failed'))),
    ).rejects.toThrow('pass failed');
    expect(await holders()).toEqual([]);
    expect(await b.runIfFree('fixture:failing', async () => undefined)).toBe(true);
  });

  it("a holder whose connection dies frees the lock; the holder's replica carries on", async () => {
    const held = gate();
    const first = a.runIfFree('fixture:dying', () => held.opened);
    const [{ pid }] = await eventually('A holds', holders, (rows) => rows.length === 1, {
      timeoutMs: 5_000,
    });
    expect(await b.runIfFree('fixture:dying', async () => undefined)).toBe(false);

    await admin('SELECT pg_terminate_backend($1)', [pid]);
    await eventually(
      async () => expect(await b.runIfFree('fixture:dying', async () => undefined)).toBe(true),
      5_000,
      'B runs once the holder is gone',
    );

    // A's work ends; its unlock has no connection left: the pass reports a failure, no hang
    held.open();
    await first.then(
      () => undefined,
      () => undefined,
    );
    expect(await holders()).toEqual([]);
    // A's pool did not keep the dead connection: more passes than it has connections all run
    for (let i = 0; i < 10; i += 1) {
      expect(await a.runIfFree('fixture:after-death', async () => undefined)).toBe(true);
    }
  });
});
