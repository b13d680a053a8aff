import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Customer, OrderTestApp, expectNoLeak, startOrderTestApp } from './order-test-app';

const ORDERS = '/api/v1/orders';

describe('product service stopped (e2e)', () => {
  let t: OrderTestApp;
  let alice: Customer;
  let product: string;
  /** three orders placed while the product service was up: to cancel, to cancel as admin, to pay */
  let placed: string[];
  const http = () => request(t.app.getHttpServer());
  const asAlice = () => ({ Authorization: `Bearer ${alice.token}` });

  beforeAll(async () => {
    // no retries and a short timeout keep the suite fast; the behaviour is the same with defaults
    t = await startOrderTestApp({
      orderEnv: { UPSTREAM_RETRIES: '1', UPSTREAM_TIMEOUT_MS: '500' },
    });
    alice = await t.customer();
    product = await t.createProduct(3, 10);
    placed = [];
    for (let i = 0; i < 3; i++) {
      const res = await http()
        .post(ORDERS)
        .set(asAlice())
        .send({ user_id: alice.id, items: [{ product_id: product, quantity: 2 }] })
        .expect(201);
      placed.push(res.body.id);
    }
    await t.stopProduct();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('POST /orders answers 503 upstream-unavailable and stores no order', async () => {
    const before = await t.query('SELECT id FROM orders');
    const started = Date.now();
    const res = await http()
      .post(ORDERS)
      .set(asAlice())
      .send({ user_id: alice.id, items: [{ product_id: product, quantity: 1 }] });
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      type: 'https://nest-commerce.dev/problems/upstream-unavailable',
      status: 503,
    });
    expectNoLeak(res.body);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await t.query('SELECT id FROM orders')).toHaveLength(before.length);
  });

  it('a 503 is not stored under the Idempotency-Key: the retry runs again (503 again, not 409)', async () => {
    const key = randomUUID();
    const send = () =>
      http()
        .post(ORDERS)
        .set(asAlice())
        .set('Idempotency-Key', key)
        .send({ user_id: alice.id, items: [{ product_id: product, quantity: 1 }] });
    await send().expect(503);
    expect(
      await t.query('SELECT 1 FROM idempotency_keys WHERE caller_id = $1 AND key = $2', [
        alice.id,
        key,
      ]),
    ).toHaveLength(0);
    await send().expect(503);
  });

  it('cancel answers 200 cancelada at once; the stock release waits in the outbox, retried', async () => {
    const res = await http().post(`${ORDERS}/${placed[0]}/cancel`).set(asAlice()).expect(200);
    expect(res.body.status).toBe('cancelada');
    const events = await http().get(`${ORDERS}/${placed[0]}/events`).set(asAlice()).expect(200);
    expect(events.body.map((e: { type: string }) => e.type)).toEqual(['created', 'cancelled']);
    await t.drain();
    const toProduct = (await t.outbox(placed[0])).filter((m) => m.destination === 'product');
    expect(toProduct).toEqual([
      expect.objectContaining({
        type: 'order.cancelled',
        path: '/api/v1/internal/events',
        status: 'pending',
        attempts: 1,
        last_error: 'unavailable',
      }),
    ]);
  });

  it('a cancel by an administrator is applied too; its release waits likewise', async () => {
    const res = await http()
      .post(`${ORDERS}/${placed[1]}/cancel`)
      .set('Authorization', `Bearer ${t.adminToken}`)
      .expect(200);
    expect(res.body.status).toBe('cancelada');
    const toProduct = (await t.outbox(placed[1])).filter((m) => m.destination === 'product');
    expect(toProduct.map((m) => [m.type, m.status])).toEqual([['order.cancelled', 'pending']]);
  });

  it('what does not need the catalog keeps working: reads and a payment notification', async () => {
    await http().get(ORDERS).set(asAlice()).expect(200);
    await t
      .sendEvent('payment.approved', { payment_id: randomUUID(), order_id: placed[2], amount: 1 })
      .expect(200);
    const res = await http().get(`${ORDERS}/${placed[2]}`).set(asAlice()).expect(200);
    expect(res.body.status).toBe('pagada');
  });
});
