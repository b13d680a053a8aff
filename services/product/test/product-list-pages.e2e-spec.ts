import fc from 'fast-check';
import { Client } from 'pg';
import request from 'supertest';
import { encodeProductCursor } from '@app/contracts';
import { ESTIMATE_TTL_MS } from '../src/infrastructure/repositories/product-read.sql';
import { ProductTestApp, expectNoLeak, startProductTestApp } from './product-test-app';

// The list's fixed SQL against an oracle computed here from the rows themselves, on a generated
// catalog (ties in created_at, names with LIKE wildcards, repeated prices), for generated filters,
// paged by offset and by cursor; and generated bad cursors, which must be 400 and never 500.

const BASE = '/api/v1/products';
const SEED = 20261204;
const CATEGORIES = ['a', 'b', 'c'];
const WORDS = ['mug', 'MUG', '50%', 'a_b', 'tea\\pot', 'lamp', 'x'];

interface Row {
  id: string;
  name: string;
  price: number; // cents
  category: string;
  at: string; // created_at, µs, UTC ISO
}

interface Filter {
  category?: string;
  q?: string;
  min_price?: number;
  max_price?: number;
}

/** The list as SPEC says it: AND of the filters, ordered by (created_at, id). */
function oracle(rows: Row[], f: Filter): string[] {
  return rows
    .filter((r) => f.category === undefined || r.category === f.category)
    .filter((r) => f.q === undefined || r.name.toLowerCase().includes(f.q.toLowerCase()))
    .filter((r) => f.min_price === undefined || r.price >= Math.round(f.min_price * 100))
    .filter((r) => f.max_price === undefined || r.price <= Math.round(f.max_price * 100))
    .sort((x, y) => (x.at === y.at ? (x.id < y.id ? -1 : 1) : x.at < y.at ? -1 : 1))
    .map((r) => r.id);
}

const filterArb: fc.Arbitrary<Filter> = fc.record(
  {
    category: fc.constantFrom(...CATEGORIES),
    q: fc.constantFrom('mug', 'Mug', '%', '_', '\\', '50%', 'a_b', 'zzz', 'p'),
    min_price: fc.integer({ min: 0, max: 600 }).map((c) => c / 100),
    max_price: fc.integer({ min: 0, max: 600 }).map((c) => c / 100),
  },
  { requiredKeys: [] },
);

describe('product list pages (e2e, generated)', () => {
  let t: ProductTestApp;
  let rows: Row[];
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await startProductTestApp();
    // 240 products over 60 distinct microsecond instants: every instant is shared (ties on
    // created_at are ordered by id), and microseconds matter (a millisecond cursor would skip).
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    try {
      const { rows: inserted } = await client.query<Row>(
        `INSERT INTO products (id, name, description, price, stock_quantity, category, created_at, updated_at)
         SELECT gen_random_uuid(), ($1::text[])[g % 7 + 1] || ' ' || g, '', (g * 37 % 500 + 1) / 100.0, 1,
                ($2::text[])[g % 3 + 1], t, t
           FROM generate_series(0, 239) AS g,
                LATERAL (SELECT timestamptz '2026-01-01 00:00:00.000001+00' + (g % 60) * interval '1.000001 second' AS t) s
         RETURNING id, name, (price * 100)::int AS price, category,
                   to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at`,
        [WORDS, CATEGORIES],
      );
      rows = inserted;
    } finally {
      await client.end();
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  async function byCursor(filter: Filter, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let res = await http()
      .get(BASE)
      .query({ ...filter, limit })
      .expect(200);
    for (;;) {
      seen.push(...(res.body.items as { id: string }[]).map((p) => p.id));
      if (res.body.next_cursor === null) return seen;
      expect(res.body.items).toHaveLength(limit);
      res = await http()
        .get(BASE)
        .query({ ...filter, limit, cursor: res.body.next_cursor })
        .expect(200);
      expect(res.body).not.toHaveProperty('total');
      expect(res.body).not.toHaveProperty('offset');
    }
  }

  it('offset pages: the oracle, with the exact total (generated filters)', async () => {
    await fc.assert(
      fc.asyncProperty(filterArb, fc.integer({ min: 1, max: 100 }), async (filter, limit) => {
        const expected = oracle(rows, filter);
        const offset = Math.min(expected.length, Math.floor(expected.length / 2));
        const res = await http()
          .get(BASE)
          .query({ ...filter, limit, offset })
          .expect(200);
        expect(res.body).toMatchObject({ total: expected.length, total_is_estimate: false });
        expect(res.body.items.map((p: { id: string }) => p.id)).toEqual(
          expected.slice(offset, offset + limit),
        );
        expect(res.body.next_cursor === null).toBe(offset + limit >= expected.length);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('cursor pages: every match once, in order (generated filters and page sizes)', async () => {
    await fc.assert(
      fc.asyncProperty(filterArb, fc.integer({ min: 1, max: 50 }), async (filter, limit) => {
        expect(await byCursor(filter, limit)).toEqual(oracle(rows, filter));
      }),
      { seed: SEED, numRuns: 30 },
    );
  });

  it('a cursor holds after its product is deleted', async () => {
    const first = await http().get(BASE).query({ limit: 5 }).expect(200);
    const lastId = first.body.items[4].id as string;
    await request(t.app.getHttpServer())
      .delete(`${BASE}/${lastId}`)
      .set({ Authorization: `Bearer ${t.adminToken}` })
      .expect(204);
    rows = rows.filter((r) => r.id !== lastId);
    const next = await http().get(BASE).query({ limit: 5, cursor: first.body.next_cursor });
    expect(next.status).toBe(200);
    expect(next.body.items.map((p: { id: string }) => p.id)).toEqual(oracle(rows, {}).slice(4, 9));
  });

  const valid = encodeProductCursor({
    createdAt: '2026-01-01T00:00:00.000001Z',
    id: '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11',
  });
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  const badCursor = fc.oneof(
    fc.string({ minLength: 1, maxLength: 200 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 100 }).map(b64),
    // a valid cursor with a character that base64url does not have, or cut short
    fc
      .tuple(fc.nat(valid.length - 1), fc.constantFrom('=', '.', '+', '/', '%', ' '))
      .map(([i, c]) => valid.slice(0, i) + c + valid.slice(i + 1))
      .filter((c) => c !== valid),
    fc.nat(valid.length - 1).map((n) => valid.slice(0, n + 1)),
    fc.constantFrom(
      b64('2026-02-31T00:00:00.000000Z|3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11'),
      b64('2026-01-01T24:00:00.000000Z|3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11'),
      b64('0000-01-01T00:00:00.000000Z|3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11'),
      b64('99999-01-01T00:00:00.000000Z|3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11'),
      b64('2026-01-01T00:00:00.000Z|3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11'),
      b64('2026-01-01T00:00:00.000000Z|3F0E8A52-5C1E-4D7E-9A55-2B0F4F3B6C11'),
      b64('2026-01-01T00:00:00.000000Z|3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11|x'),
      b64('2026-01-01T00:00:00.000000Z|'),
      b64("2026-01-01T00:00:00.000000Z|' OR 1=1 --"),
      `${valid}=`,
      valid.repeat(2),
    ),
  );

  it('answers 400 naming `cursor` for generated bad cursors, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(badCursor, async (cursor) => {
        const res = await http().get(BASE).query({ cursor });
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect((res.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['cursor']);
        expectNoLeak(res.body);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('refuses a cursor together with an offset, and an empty or repeated cursor', async () => {
    const together = await http().get(BASE).query({ cursor: valid, offset: 20 }).expect(400);
    expect(JSON.stringify(together.body)).toContain('cannot be combined with offset');
    await http().get(`${BASE}?cursor=`).expect(400);
    await http().get(`${BASE}?cursor=${valid}&cursor=${valid}`).expect(400);
    await http().get(BASE).query({ cursor: valid, offset: 0 }).expect(200);
  });
});

describe('product list total past 10,000 products (e2e)', () => {
  let t: ProductTestApp;
  const http = () => request(t.app.getHttpServer());
  const sql = async (text: string) => {
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    t = await startProductTestApp();
    await sql(
      `INSERT INTO products (id, name, description, price, stock_quantity, category, created_at, updated_at)
       SELECT gen_random_uuid(), 'P ' || g, '', 1, 1, CASE WHEN g <= 7 THEN 'rare' ELSE 'bulk' END,
              now() + g * interval '1 microsecond', now()
         FROM generate_series(1, 12000) AS g`,
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts exactly while PostgreSQL has no statistics, estimates once it has', async () => {
    await sql('ALTER TABLE products SET (autovacuum_enabled = false)');
    await sql(`UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid = 'products'::regclass`);
    const exact = await http().get(BASE).expect(200);
    expect(exact.body).toMatchObject({ total: 12_000, total_is_estimate: false });
    await sql('VACUUM (ANALYZE) products');
    // the service rereads the estimate at most every ESTIMATE_TTL_MS
    await new Promise((resolve) => setTimeout(resolve, ESTIMATE_TTL_MS + 100));
    const estimated = await http().get(BASE).expect(200);
    expect(estimated.body.total_is_estimate).toBe(true);
    expect(Math.abs(estimated.body.total - 12_000)).toBeLessThan(600);
    // filtered totals stay exact, also past the threshold
    const bulk = await http().get(BASE).query({ category: 'bulk' }).expect(200);
    expect(bulk.body).toMatchObject({ total: 11_993, total_is_estimate: false });
    const rare = await http().get(BASE).query({ category: 'rare', limit: 100 }).expect(200);
    expect(rare.body).toMatchObject({ total: 7, total_is_estimate: false, next_cursor: null });
  });
});
