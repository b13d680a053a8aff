// The short, renewed lease of an Idempotency-Key: a running request keeps its key however long
// it runs (up to its service's maximum), a dead holder's key is free within the lease, and a
// renewal never extends a key that another request has taken over.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { TransactionHost } from '@nestjs-cls/transactional';
import { DataSource } from 'typeorm';
import { IdempotencyScope, IdempotencyStore, StoredOutcome } from '@app/kernel';
import { TestDatabase, createTestDatabase, startTestService, testEnv } from '@app/testing';
import { requestHash } from '../src';
import { TypeormIdempotencyStore } from '../src/idempotency/typeorm-idempotency-store';
import { IdempotencyFixtureModule } from './idempotency-fixture.module';

const LEASE_SECONDS = 3; // renewed every second

describe('Idempotency-Key lease renewal (real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let store: TypeormIdempotencyStore;
  let sql: DataSource;

  const env = () => testEnv({ databaseUrl: db.url, extra: { IDEMPOTENCY_LEASE_SECONDS: '3' } });
  const scope = (): IdempotencyScope => ({
    callerId: randomUUID(),
    key: `k-${randomUUID()}`,
    requestHash: requestHash({ n: 1 }),
  });
  const created: StoredOutcome = { kind: 'response', status: 201, body: { id: 'o-1' } };
  const acquire = async (on: IdempotencyStore, s: IdempotencyScope): Promise<string> => {
    const claim = await on.claim(s);
    if (claim.kind !== 'acquired') throw new Error(`expected acquired, got ${claim.kind}`);
    return claim.token;
  };
  /** seconds of lease left, by the database's clock */
  const leaseLeft = async (s: IdempotencyScope): Promise<number> => {
    const [row] = (await sql.query(
      `SELECT EXTRACT(EPOCH FROM (locked_until - now())) AS left, lease_token
         FROM idempotency_keys WHERE caller_id = $1 AND key = $2`,
      [s.callerId, s.key],
    )) as Array<{ left: string }>;
    return Number(row.left);
  };

  beforeAll(async () => {
    db = await createTestDatabase('idem_lease');
    app = await startTestService(IdempotencyFixtureModule.forRoot(env()));
    store = app.get(IdempotencyStore);
    sql = app.get(DataSource);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('a request running longer than the lease keeps its key: the lease is renewed, nobody takes over', async () => {
    const s = scope();
    const token = await acquire(store, s);
    expect(store.heldKeys).toBeGreaterThanOrEqual(1);
    await sleep((LEASE_SECONDS + 1.5) * 1000);
    expect(await leaseLeft(s)).toBeGreaterThan(1);
    expect(await store.claim(s)).toEqual({ kind: 'in_flight' });
    expect(await store.complete(s, token, created)).toBe(true);
  }, 20_000);

  it('renewal stops when the request completes or abandons its key', async () => {
    const before = store.heldKeys;
    const done = scope();
    const given = scope();
    const doneToken = await acquire(store, done);
    const givenToken = await acquire(store, given);
    expect(store.heldKeys).toBe(before + 2);
    await store.complete(done, doneToken, created);
    await store.abandon(given, givenToken);
    expect(store.heldKeys).toBe(before);
  });

  it('the key of a holder that died (its process gone, no more renewals) is taken over within the lease', async () => {
    const holder = await startTestService(IdempotencyFixtureModule.forRoot(env()));
    const s = scope();
    await acquire(holder.get(IdempotencyStore), s);
    await holder.close(); // the holder's renewals end with it; its row stays in flight
    const diedAt = Date.now();
    expect(await store.claim(s)).toEqual({ kind: 'in_flight' });
    let taken = false;
    while (!taken && Date.now() - diedAt < (LEASE_SECONDS + 3) * 1000) {
      taken = (await store.claim(s)).kind === 'acquired';
      if (!taken) await sleep(100);
    }
    expect(taken).toBe(true);
    expect(Date.now() - diedAt).toBeLessThan((LEASE_SECONDS + 1.5) * 1000);
  }, 20_000);

  it('a renewal checks its token: once another request has taken the key over, the first one stops renewing and cannot complete', async () => {
    const s = scope();
    const first = await acquire(store, s);
    const held = store.heldKeys;
    // the first request stalled past its lease (as if its renewals could not reach the database)
    await sql.query(
      `UPDATE idempotency_keys SET locked_until = now() - interval '1 second'
        WHERE caller_id = $1 AND key = $2`,
      [s.callerId, s.key],
    );
    const second = await acquire(store, s);
    expect(store.heldKeys).toBe(held + 1);
    await sleep(LEASE_SECONDS * 1000); // the first one's next beat finds the key gone
    expect(store.heldKeys).toBe(held);
    const [row] = (await sql.query(
      `SELECT lease_token FROM idempotency_keys WHERE caller_id = $1 AND key = $2`,
      [s.callerId, s.key],
    )) as Array<{ lease_token: string }>;
    expect(row.lease_token).toBe(second);
    expect(await store.complete(s, first, created)).toBe(false);
    expect(await store.complete(s, second, created)).toBe(true);
  }, 20_000);

  it('a request held past its service maximum is no longer renewed: its key lapses', async () => {
    const shortHold = new TypeormIdempotencyStore(app.get(TransactionHost), {
      ttlHours: 24,
      leaseSeconds: LEASE_SECONDS,
      maxHoldSeconds: 4,
    });
    const s = scope();
    await acquire(shortHold, s);
    await sleep(4_000 + LEASE_SECONDS * 1000 + 1_000);
    expect(shortHold.heldKeys).toBe(0);
    expect(await leaseLeft(s)).toBeLessThan(0);
    expect((await store.claim(s)).kind).toBe('acquired');
  }, 20_000);
});
