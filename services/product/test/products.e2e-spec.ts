import request from 'supertest';
import { ProductTestApp, expectNoLeak, startProductTestApp } from './product-test-app';

const BASE = '/api/v1/products';
const MISSING = '00000000-0000-4000-8000-000000000000';
const valid = {
  name: 'Desk lamp',
  description: 'Warm light',
  price: 19.99,
  stock_quantity: 5,
  category: 'home',
};

describe('products API (e2e)', () => {
  let t: ProductTestApp;
  const http = () => request(t.app.getHttpServer());
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  const customer = () => ({ Authorization: `Bearer ${t.customerToken}` });

  async function create(body: object = valid): Promise<Record<string, unknown>> {
    const res = await http().post(BASE).set(admin()).send(body).expect(201);
    return res.body as Record<string, unknown>;
  }

  beforeAll(async () => {
    t = await startProductTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('create', () => {
    it('creates a product as admin and returns it in snake_case', async () => {
      const res = await http()
        .post(BASE)
        .set(admin())
        .send({ ...valid, name: '  Trimmed  ' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Trimmed',
        description: 'Warm light',
        price: 19.99,
        stock_quantity: 5,
        category: 'home',
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(new Date(res.body.created_at as string).toISOString()).toBe(res.body.created_at);
    });

    it('defaults the description to an empty string', async () => {
      const { description, ...rest } = valid;
      expect(description).toBeDefined();
      expect((await create(rest)).description).toBe('');
    });

    it('keeps exact cents', async () => {
      const created = await create({ ...valid, price: 0.1 });
      expect(created.price).toBe(0.1);
      const fetched = await http()
        .get(`${BASE}/${created.id as string}`)
        .expect(200);
      expect(fetched.body.price).toBe(0.1);
    });

    it('needs a token (401) and the admin role (403)', async () => {
      const anonymous = await http().post(BASE).send(valid).expect(401);
      expect(anonymous.headers['content-type']).toContain('application/problem+json');
      const forbidden = await http().post(BASE).set(customer()).send(valid).expect(403);
      expect(forbidden.headers['content-type']).toContain('application/problem+json');
    });

    it.each<[string, string, Record<string, unknown>]>([
      ['price with three decimals', 'price', { price: 1.234 }],
      ['a negative price', 'price', { price: -1 }],
      ['a price above the maximum', 'price', { price: 100_000_000 }],
      ['a price as a string', 'price', { price: '19.99' }],
      ['negative stock', 'stock_quantity', { stock_quantity: -1 }],
      ['fractional stock', 'stock_quantity', { stock_quantity: 1.5 }],
      ['stock above the maximum', 'stock_quantity', { stock_quantity: 1_000_001 }],
      ['an id in the body', 'id', { id: MISSING }],
      ['created_at in the body', 'created_at', { created_at: '2025-01-01T00:00:00Z' }],
      ['a 100 kB name', 'name', { name: 'x'.repeat(100_000) }],
      ['an empty name', 'name', { name: '   ' }],
      ['a 5001-character description', 'description', { description: 'x'.repeat(5001) }],
      ['a missing category', 'category', { category: undefined }],
    ])('rejects %s with 400 naming the field', async (_label, field, change) => {
      const res = await http()
        .post(BASE)
        .set(admin())
        .send({ ...valid, ...change })
        .expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        status: 400,
        type: expect.any(String),
        title: expect.any(String),
      });
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
      expectNoLeak(res.body);
    });

    it('rejects malformed JSON with 400 problem+json', async () => {
      const res = await http()
        .post(BASE)
        .set(admin())
        .set('Content-Type', 'application/json')
        .send('{"name": "x",')
        .expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expectNoLeak(res.body);
    });
  });

  describe('get', () => {
    it('returns a product publicly', async () => {
      const created = await create();
      const res = await http()
        .get(`${BASE}/${created.id as string}`)
        .expect(200);
      expect(res.body).toEqual(created);
    });

    it('answers 404 for an unknown id', async () => {
      const res = await http().get(`${BASE}/${MISSING}`).expect(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.type).toMatch(/product-not-found$/);
    });

    it('answers 400 naming the id for a non-UUID id', async () => {
      const res = await http().get(`${BASE}/not-a-uuid`).expect(400);
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['id']);
      expectNoLeak(res.body);
    });
  });

  describe('replace (PUT)', () => {
    it('replaces every field', async () => {
      const created = await create();
      const body = { name: 'Floor lamp', price: 49.5, stock_quantity: 2, category: 'lighting' };
      const res = await http()
        .put(`${BASE}/${created.id as string}`)
        .set(admin())
        .send(body)
        .expect(200);
      expect(res.body).toMatchObject({ ...body, description: '', id: created.id });
      expect(res.body.created_at).toBe(created.created_at);
    });

    it('requires the whole product', async () => {
      const created = await create();
      const res = await http()
        .put(`${BASE}/${created.id as string}`)
        .set(admin())
        .send({ name: 'Only a name' })
        .expect(400);
      const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['price', 'stock_quantity', 'category']));
    });

    it('401 / 403 / 404', async () => {
      await http().put(`${BASE}/${MISSING}`).send(valid).expect(401);
      await http().put(`${BASE}/${MISSING}`).set(customer()).send(valid).expect(403);
      await http().put(`${BASE}/${MISSING}`).set(admin()).send(valid).expect(404);
    });
  });

  describe('update (PATCH)', () => {
    it('changes only the given fields', async () => {
      const created = await create();
      const res = await http()
        .patch(`${BASE}/${created.id as string}`)
        .set(admin())
        .send({ price: 5 })
        .expect(200);
      expect(res.body).toMatchObject({ ...valid, price: 5, id: created.id });
    });

    it('validates the given fields and refuses unknown ones', async () => {
      const created = await create();
      const id = created.id as string;
      const negative = await http()
        .patch(`${BASE}/${id}`)
        .set(admin())
        .send({ stock_quantity: -1 })
        .expect(400);
      expect((negative.body.errors as { field: string }[])[0].field).toBe('stock_quantity');
      const unknown = await http()
        .patch(`${BASE}/${id}`)
        .set(admin())
        .send({ id: MISSING })
        .expect(400);
      expect((unknown.body.errors as { field: string }[])[0].field).toBe('id');
    });

    it('401 / 403 / 404 / 400 for a non-UUID id', async () => {
      await http().patch(`${BASE}/${MISSING}`).send({ price: 1 }).expect(401);
      await http().patch(`${BASE}/${MISSING}`).set(customer()).send({ price: 1 }).expect(403);
      await http().patch(`${BASE}/${MISSING}`).set(admin()).send({ price: 1 }).expect(404);
      await http().patch(`${BASE}/nope`).set(admin()).send({ price: 1 }).expect(400);
    });
  });

  describe('delete', () => {
    it('deletes with 204, then 404', async () => {
      const created = await create();
      const id = created.id as string;
      await http().delete(`${BASE}/${id}`).expect(401);
      await http().delete(`${BASE}/${id}`).set(customer()).expect(403);
      await http().delete(`${BASE}/${id}`).set(admin()).expect(204);
      await http().get(`${BASE}/${id}`).expect(404);
      await http().delete(`${BASE}/${id}`).set(admin()).expect(404);
    });
  });

  describe('list', () => {
    const category = 'list-test';
    let ids: string[];

    beforeAll(async () => {
      ids = [];
      for (const [name, price] of [
        ['Blue mug', 8.5],
        ['Red MUG', 12],
        ['Teapot', 30],
        ['50% off mug', 1],
      ] as const) {
        ids.push((await create({ ...valid, name, price, category })).id as string);
      }
    });

    it('pages in a stable order with the total', async () => {
      const first = await http().get(BASE).query({ category, limit: 2 }).expect(200);
      expect(first.body).toMatchObject({ total: 4, limit: 2, offset: 0 });
      const second = await http().get(BASE).query({ category, limit: 2, offset: 2 }).expect(200);
      const seen = [...first.body.items, ...second.body.items].map((p: { id: string }) => p.id);
      expect(seen).toEqual(ids);
    });

    it('defaults to limit 20, offset 0', async () => {
      const res = await http().get(BASE).expect(200);
      expect(res.body).toMatchObject({ limit: 20, offset: 0 });
      expect(res.body.items.length).toBeLessThanOrEqual(20);
    });

    it('filters by name substring, case-insensitively, with LIKE wildcards taken literally', async () => {
      const mugs = await http().get(BASE).query({ category, q: 'mug' }).expect(200);
      expect(mugs.body.total).toBe(3);
      const percent = await http().get(BASE).query({ category, q: '50%' }).expect(200);
      expect(percent.body.items.map((p: { name: string }) => p.name)).toEqual(['50% off mug']);
      const underscore = await http().get(BASE).query({ category, q: '_' }).expect(200);
      expect(underscore.body.total).toBe(0);
    });

    it('filters by price range, inclusive', async () => {
      const res = await http()
        .get(BASE)
        .query({ category, min_price: 8.5, max_price: 12 })
        .expect(200);
      expect(res.body.items.map((p: { name: string }) => p.name)).toEqual(['Blue mug', 'Red MUG']);
    });

    it.each([
      ['limit', '101'],
      ['limit', '-1'],
      ['limit', '0'],
      ['offset', '-1'],
      ['min_price', '1.234'],
      ['max_price', 'abc'],
    ])('rejects %s=%s with 400 naming it', async (field, value) => {
      const res = await http()
        .get(BASE)
        .query({ [field]: value })
        .expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
      expectNoLeak(res.body);
    });
  });
});
