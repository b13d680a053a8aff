import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { IdempotencyScope, IdempotencyStore, StoredOutcome, UnitOfWork } from '@app/kernel';
import { TestDatabase, createTestDatabase, startTestService, testEnv } from '@app/testing';
import {
  ConfigError,
  loadIdempotencySettings,
  PlatformModule,
  canonicalJson,
  requestHash,
  runMigrations,
  withIdempotency,
} from '../src';
import { TypeormIdempotencyStore } from '../src/idempotency/typeorm-idempotency-store';
import { IdempotencyFixtureModule } from './idempotency-fixture.module';

describe('Idempotency-Key settings', () => {
  it('keeps keys 24 hours, leases them 10 s (renewed) and holds them 120 s at most unless told otherwise', () => {
    expect(loadIdempotencySettings({})).toEqual({
      ttlHours: 24,
      leaseSeconds: 10,
      maxHoldSeconds: 120,
    });
    expect(
      loadIdempotencySettings(
        { IDEMPOTENCY_TTL_HOURS: '48', IDEMPOTENCY_LEASE_SECONDS: '30' },
        { maxHoldSeconds: 60 },
      ),
    ).toEqual({ ttlHours: 48, leaseSeconds: 30, maxHoldSeconds: 60 });
    // empty counts as unset, as everywhere else
    expect(loadIdempotencySettings({ IDEMPOTENCY_LEASE_SECONDS: '' })).toEqual({
      ttlHours: 24,
      leaseSeconds: 10,
      maxHoldSeconds: 120,
    });
  });

  it.each([
    ['IDEMPOTENCY_TTL_HOURS', '23'],
    ['IDEMPOTENCY_TTL_HOURS', 'a day'],
    ['IDEMPOTENCY_LEASE_SECONDS', '2'],
    ['IDEMPOTENCY_LEASE_SECONDS', '3601'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => loadIdempotencySettings({ [name]: value })).toThrow(ConfigError);
    expect(() => loadIdempotencySettings({ [name]: value })).toThrow(name);
  });

  it('refuses a service maximum hold outside the range, and idempotency without a database', () => {
    expect(() => loadIdempotencySettings({}, { maxHoldSeconds: 5 })).toThrow('maxHoldSeconds');
    expect(() =>
      PlatformModule.forRoot({ service: 'fixture', env: testEnv(), idempotency: {} }),
    ).toThrow('idempotency needs a database');
  });
});

describe('canonical request hash', () => {
  it('ignores key order and undefined fields, keeps array order', () => {
    const a = { user_id: 'u', items: [{ product_id: 'p', quantity: 1 }], note: undefined };
    const b = { items: [{ quantity: 1, product_id: 'p' }], user_id: 'u' };
    expect(canonicalJson(a)).toBe('{"items":[{"product_id":"p","quantity":1}],"user_id":"u"}');
    expect(requestHash(a)).toBe(requestHash(b));
    expect(requestHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(requestHash({ items: [1, 2] })).not.toBe(requestHash({ items: [2, 1] }));
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(undefined)).toBe('null');
  });
});

describe('TypeORM Idempotency-Key store (real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let store: IdempotencyStore;
  let uow: UnitOfWork;
  let sql: DataSource;

  const scope = (extra: Partial<IdempotencyScope> = {}): IdempotencyScope => ({
    callerId: randomUUID(),
    key: `k-${randomUUID()}`,
    requestHash: requestHash({ n: 1 }),
    ...extra,
  });
  const created: StoredOutcome = { kind: 'response', status: 201, body: { id: 'o-1' } };
  const acquire = async (s: IdempotencyScope): Promise<string> => {
    const claim = await store.claim(s);
    if (claim.kind !== 'acquired') throw new Error(`expected acquired, got ${claim.kind}`);
    return claim.token;
  };
  const expireLease = (s: IdempotencyScope) =>
    sql.query(
      `UPDATE idempotency_keys SET locked_until = now() - interval '1 second'
        WHERE caller_id = $1 AND key = $2`,
      [s.callerId, s.key],
    );
  const expireKey = (s: IdempotencyScope) =>
    sql.query(
      `UPDATE idempotency_keys SET expires_at = now() - interval '1 second'
        WHERE caller_id = $1 AND key = $2`,
      [s.callerId, s.key],
    );
  const rowOf = async (s: IdempotencyScope) =>
    (
      (await sql.query(`SELECT * FROM idempotency_keys WHERE caller_id = $1 AND key = $2`, [
        s.callerId,
        s.key,
      ])) as Array<Record<string, unknown>>
    )[0];

  beforeAll(async () => {
    db = await createTestDatabase('idempotency');
    app = await startTestService(
      IdempotencyFixtureModule.forRoot(testEnv({ databaseUrl: db.url })),
    );
    store = app.get(IdempotencyStore);
    uow = app.get(UnitOfWork);
    sql = app.get(DataSource);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('binds the kernel port to the TypeORM adapter with the default lease', async () => {
    expect(store).toBeInstanceOf(TypeormIdempotencyStore);
    const s = scope();
    await acquire(s);
    const [times] = (await sql.query(
      `SELECT EXTRACT(EPOCH FROM (locked_until - created_at)) AS lease,
              EXTRACT(EPOCH FROM (expires_at - created_at)) / 3600 AS hours, state
         FROM idempotency_keys WHERE caller_id = $1 AND key = $2`,
      [s.callerId, s.key],
    )) as Array<{ lease: string; hours: string; state: string }>;
    expect(Number(times.lease)).toBe(10);
    expect(Number(times.hours)).toBe(24);
    expect(times.state).toBe('in_flight');
  });

  it('claim: the first acquires; the same body while it runs is in flight, another body a mismatch', async () => {
    const s = scope();
    await acquire(s);
    expect(await store.claim(s)).toEqual({ kind: 'in_flight' });
    expect(await store.claim({ ...s, requestHash: requestHash({ n: 2 }) })).toEqual({
      kind: 'mismatch',
    });
  });

  it('keys are scoped per caller', async () => {
    const s = scope();
    await acquire(s);
    await acquire({ ...s, callerId: randomUUID() });
  });

  it('complete stores the answer in the unit of work; later claims get it, other bodies a mismatch', async () => {
    const s = scope();
    const token = await acquire(s);
    expect(await uow.run(() => store.complete(s, token, created))).toBe(true);
    expect(await store.claim(s)).toEqual({ kind: 'completed', outcome: created });
    expect(await store.claim({ ...s, requestHash: requestHash({ n: 2 }) })).toEqual({
      kind: 'mismatch',
    });
    const row = await rowOf(s);
    expect(row.state).toBe('completed');
    expect(row.lease_token).toBeNull();
    expect(row.locked_until).toBeNull();
  });

  it('a stored refusal comes back as it was recorded', async () => {
    const s = scope();
    const token = await acquire(s);
    const refusal: StoredOutcome = {
      kind: 'error',
      error: {
        kind: 'not_found',
        code: 'product_not_found',
        message: 'gone',
        details: { ids: ['a'] },
      },
    };
    expect(await store.complete(s, token, refusal)).toBe(true);
    expect(await store.claim(s)).toEqual({ kind: 'completed', outcome: refusal });
  });

  it('an answer whose transaction rolls back is not stored: the key stays in flight', async () => {
    const s = scope();
    const token = await acquire(s);
    await expect(
      uow.run(async () => {
        expect(await store.complete(s, token, created)).toBe(true);
        throw new Error('the change failed after the answer was written');
      }),
    ).rejects.toThrow('the change failed');
    expect(await store.claim(s)).toEqual({ kind: 'in_flight' });
    expect((await rowOf(s)).lease_token).toBe(token);
  });

  it('abandon forgets the key so a retry runs again; another token abandons nothing', async () => {
    const s = scope();
    const token = await acquire(s);
    await store.abandon(s, randomUUID());
    expect(await store.claim(s)).toEqual({ kind: 'in_flight' });
    await store.abandon(s, token);
    expect(await rowOf(s)).toBeUndefined();
    const again = await acquire(s);
    expect(again).not.toBe(token);
  });

  it('a lease run out lets the same body take over; the first request can no longer complete', async () => {
    const s = scope();
    const first = await acquire(s);
    await expireLease(s);
    // another body never takes over a running (if crashed) request
    expect(await store.claim({ ...s, requestHash: requestHash({ n: 2 }) })).toEqual({
      kind: 'mismatch',
    });
    const second = await acquire(s);
    expect(second).not.toBe(first);
    expect(await store.complete(s, first, created)).toBe(false);
    await store.abandon(s, first); // a no-op: the key is the second request's
    expect(await store.complete(s, second, created)).toBe(true);
    expect(await store.claim(s)).toEqual({ kind: 'completed', outcome: created });
  });

  it('an expired key is taken over on claim, even with another body', async () => {
    const s = scope();
    const token = await acquire(s);
    await store.complete(s, token, created);
    await expireKey(s);
    const other = { ...s, requestHash: requestHash({ n: 2 }) };
    await acquire(other);
    const row = await rowOf(s);
    expect(row.state).toBe('in_flight');
    expect(row.outcome).toBeNull();
    expect(row.request_hash).toBe(other.requestHash);
  });

  it('purges expired keys only', async () => {
    const kept = scope();
    const expired = scope();
    await acquire(kept);
    await acquire(expired);
    await expireKey(expired);
    await (store as TypeormIdempotencyStore).purgeExpired();
    expect(await rowOf(kept)).toBeDefined();
    expect(await rowOf(expired)).toBeUndefined();
  });

  it('concurrent claims of one key: exactly one acquires', async () => {
    const s = scope();
    const claims = await Promise.all(Array.from({ length: 8 }, () => store.claim(s)));
    expect(claims.filter((c) => c.kind === 'acquired')).toHaveLength(1);
    expect(claims.filter((c) => c.kind === 'in_flight')).toHaveLength(7);
  });

  describe('the Idempotency-Key header', () => {
    const post = () => request(app.getHttpServer()).post('/api/v1/fixture/idempotent');

    it('is optional, trimmed, and the body hashed canonically', async () => {
      const absent = await post()
        .send({ b: 1, a: [2, 1] })
        .expect(200);
      expect(absent.body).toEqual({ key: null, hash: requestHash({ a: [2, 1], b: 1 }) });
      const present = await post().set('Idempotency-Key', '  k-1  ').send({}).expect(200);
      expect(present.body.key).toBe('k-1');
    });

    it.each([
      ['empty', ''],
      ['too long', 'k'.repeat(256)],
      ['not ASCII', 'cl\u00e9'],
    ])('is refused when %s (400 naming it)', async (_label, key) => {
      const res = await post().set('Idempotency-Key', key).send({});
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    });
  });
});

describe('the shared idempotency_keys migration', () => {
  let db: TestDatabase;
  afterEach(() => db?.drop());

  // what the order and payment services' own migrations created before the platform took over
  const OLD_SERVICE_DDL = `
    CREATE TABLE idempotency_keys (
      caller_id uuid NOT NULL,
      key varchar(255) NOT NULL,
      request_hash char(64) NOT NULL,
      state varchar(16) NOT NULL CHECK (state IN ('in_flight', 'completed')),
      lease_token uuid,
      locked_until timestamptz,
      outcome jsonb,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (caller_id, key),
      CHECK ((state = 'in_flight') = (lease_token IS NOT NULL AND locked_until IS NOT NULL)),
      CHECK ((state = 'completed') = (outcome IS NOT NULL))
    );
    CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);`;

  const migrate = () =>
    runMigrations({
      service: 'fixture',
      env: testEnv({ databaseUrl: db.url }),
      ...withIdempotency({ entities: [], migrations: [] }),
    });

  it('creates the table on a fresh database, once', async () => {
    db = await createTestDatabase('idempotency_migrations');
    expect(await migrate()).toEqual(['CreateIdempotencyKeys1700000000001']);
    expect(await migrate()).toEqual([]);
  });

  it('leaves a database migrated by a service (table and keys) as it was', async () => {
    db = await createTestDatabase('idempotency_migrations');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(OLD_SERVICE_DDL);
      const callerId = randomUUID();
      await client.query(
        `INSERT INTO idempotency_keys (caller_id, key, request_hash, state, outcome, created_at, expires_at)
         VALUES ($1, 'k', $2, 'completed', '{"kind":"response","status":201,"body":{}}', now(), now() + interval '1 day')`,
        [callerId, requestHash({})],
      );
      expect(await migrate()).toEqual(['CreateIdempotencyKeys1700000000001']);
      const rows = await client.query('SELECT key FROM idempotency_keys WHERE caller_id = $1', [
        callerId,
      ]);
      expect(rows.rows).toEqual([{ key: 'k' }]);
    } finally {
      await client.end();
    }
  });
});
