import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { IdempotencySettings, requestHash } from '@app/platform';
import { Customer, OrderTestApp, startOrderTestApp } from './order-test-app';

const ORDERS = '/api/v1/orders';

describe('Idempotency-Key on POST /orders (e2e)', () => {
  let t: OrderTestApp;
  let alice: Customer;
  const http = () => request(t.app.getHttpServer());

  function place(who: Customer, key: string | undefined, items: object[], extra: object = {}) {
    const req = http().post(ORDERS).set('Authorization', `Bearer ${who.token}`);
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send({ user_id: who.id, items, ...extra });
  }

  async function ordersOf(userId: string): Promise<number> {
    const rows = await t.query('SELECT id FROM orders WHERE user_id = $1', [userId]);
    return rows.length;
  }

  beforeAll(async () => {
    t = await startOrderTestApp();
  });
  beforeEach(async () => {
    alice = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('same key and body: the first answer replayed (status and body), one order, stock taken once', async () => {
    const product = await t.createProduct(19.99, 10);
    const key = `checkout-${randomUUID()}`;
    const items = [{ product_id: product, quantity: 2 }];
    const first = await place(alice, key, items).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await place(alice, key, items).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await ordersOf(alice.id)).toBe(1);
    expect(await t.stockOf(product)).toBe(8);
  });

  it('the replay is the first answer even after the order moved on', async () => {
    const product = await t.createProduct(1, 10);
    const key = randomUUID();
    const items = [{ product_id: product, quantity: 1 }];
    const first = await place(alice, key, items).expect(201);
    await http()
      .post(`${ORDERS}/${first.body.id}/cancel`)
      .set('Authorization', `Bearer ${alice.token}`)
      .expect(200);
    const again = await place(alice, key, items).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.body.status).toBe('creada');
  });

  it('key order in the body does not matter; another body is 422 and creates nothing', async () => {
    const product = await t.createProduct(1, 10);
    const key = randomUUID();
    await place(alice, key, [{ product_id: product, quantity: 1 }]).expect(201);
    const reordered = await http()
      .post(ORDERS)
      .set('Authorization', `Bearer ${alice.token}`)
      .set('Idempotency-Key', key)
      .send({ items: [{ quantity: 1, product_id: product }], user_id: alice.id })
      .expect(201);
    expect(reordered.headers['idempotent-replayed']).toBe('true');
    const other = await place(alice, key, [{ product_id: product, quantity: 2 }]).expect(422);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect(other.body.type).toBe('https://nest-commerce.dev/problems/idempotency-key-reused');
    expect(await ordersOf(alice.id)).toBe(1);
    expect(await t.stockOf(product)).toBe(9);
  });

  it('10 concurrent requests with one key: exactly one order; the others replay it or get 409', async () => {
    const product = await t.createProduct(5, 100);
    const key = randomUUID();
    const items = [{ product_id: product, quantity: 1 }];
    const responses = await Promise.all(Array.from({ length: 10 }, () => place(alice, key, items)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const conflict of responses.filter((r) => r.status === 409)) {
      expect(conflict.body.type).toBe(
        'https://nest-commerce.dev/problems/idempotency-key-in-flight',
      );
    }
    expect(await ordersOf(alice.id)).toBe(1);
    expect(await t.stockOf(product)).toBe(99);
    // once settled, every retry is the replay
    const later = await place(alice, key, items).expect(201);
    expect(later.body.id).toBe(created[0].body.id);
  });

  it('a business refusal (409 short stock) is stored and replayed, even once stock is back', async () => {
    const product = await t.createProduct(1, 1);
    const key = randomUUID();
    const items = [{ product_id: product, quantity: 2 }];
    const first = await place(alice, key, items).expect(409);
    await request(t.product.getHttpServer())
      .patch(`/api/v1/products/${product}`)
      .set('Authorization', `Bearer ${t.adminToken}`)
      .send({ stock_quantity: 10 })
      .expect(200);
    const again = await place(alice, key, items).expect(409);
    expect(again.body).toEqual(first.body);
    expect(await ordersOf(alice.id)).toBe(0);
    // a new key is a new attempt
    await place(alice, randomUUID(), items).expect(201);
  });

  it('keys are scoped per caller: the same key from two customers makes two orders', async () => {
    const bob = await t.customer();
    const product = await t.createProduct(1, 10);
    const key = 'shared-key';
    const a = await place(alice, key, [{ product_id: product, quantity: 1 }]).expect(201);
    const b = await place(bob, key, [{ product_id: product, quantity: 1 }]).expect(201);
    expect(a.body.id).not.toBe(b.body.id);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
  });

  it('keeps keys at least 24 hours', async () => {
    const product = await t.createProduct(1, 10);
    const key = randomUUID();
    await place(alice, key, [{ product_id: product, quantity: 1 }]).expect(201);
    const [row] = await t.query<{ hours: number; state: string }>(
      `SELECT EXTRACT(EPOCH FROM (expires_at - created_at)) / 3600 AS hours, state
         FROM idempotency_keys WHERE caller_id = $1 AND key = $2`,
      [alice.id, key],
    );
    expect(Number(row.hours)).toBeGreaterThanOrEqual(24);
    expect(row.state).toBe('completed');
  });

  it('leases a key 10 s at a time (renewed while the placement runs), for 60 s at most', () => {
    expect(t.app.get(IdempotencySettings)).toEqual({
      ttlHours: 24,
      leaseSeconds: 10,
      maxHoldSeconds: 60,
    });
  });

  it('a crashed request (in flight, lease run out) lets a retry take the key over', async () => {
    const product = await t.createProduct(1, 10);
    const key = randomUUID();
    const items = [{ product_id: product, quantity: 1 }];
    const body = { user_id: alice.id, items };
    // what a crash mid-request leaves behind: an in-flight row whose lease has expired
    const hash = requestHash(body);
    await t.query(
      `INSERT INTO idempotency_keys (caller_id, key, request_hash, state, lease_token, locked_until, created_at, expires_at)
       VALUES ($1, $2, $3, 'in_flight', $4, now() - interval '1 second', now(), now() + interval '24 hours')`,
      [alice.id, key, hash, randomUUID()],
    );
    await place(alice, key, items).expect(201);
    expect(await ordersOf(alice.id)).toBe(1);
  });

  it('a live in-flight key answers 409', async () => {
    const product = await t.createProduct(1, 10);
    const key = randomUUID();
    const items = [{ product_id: product, quantity: 1 }];
    await t.query(
      `INSERT INTO idempotency_keys (caller_id, key, request_hash, state, lease_token, locked_until, created_at, expires_at)
       VALUES ($1, $2, $3, 'in_flight', $4, now() + interval '1 minute', now(), now() + interval '24 hours')`,
      [alice.id, key, requestHash({ user_id: alice.id, items }), randomUUID()],
    );
    const res = await place(alice, key, items).expect(409);
    expect(res.body.type).toBe('https://nest-commerce.dev/problems/idempotency-key-in-flight');
    expect(await ordersOf(alice.id)).toBe(0);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['not ASCII', 'cl\u00e9'],
  ])('refuses an Idempotency-Key that is %s (400)', async (_label, key) => {
    const product = await t.createProduct(1, 10);
    const res = await http()
      .post(ORDERS)
      .set('Authorization', `Bearer ${alice.token}`)
      .set('Idempotency-Key', key)
      .send({ user_id: alice.id, items: [{ product_id: product, quantity: 1 }] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
    expect(await t.stockOf(product)).toBe(10);
  });
});
