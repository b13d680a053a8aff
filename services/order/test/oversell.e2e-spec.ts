import request from 'supertest';
import { OrderTestApp, startOrderTestApp } from './order-test-app';

describe('oversell (e2e, real product service)', () => {
  let t: OrderTestApp;

  beforeAll(async () => {
    // This suite is about stock, not timeouts: on a loaded 2-core CI machine 36 concurrent
    // reservations can take longer than the default 2 s upstream budget, which would turn
    // them into 503s and open the breaker.
    t = await startOrderTestApp({
      orderEnv: { UPSTREAM_TIMEOUT_MS: '20000', UPSTREAM_BREAKER_THRESHOLD: '1000' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('36 concurrent orders of 1 unit against stock 5: exactly 5 creada, 31 × 409, stock 0, no 5xx', async () => {
    const product = await t.createProduct(9.99, 5);
    const customers = await Promise.all(Array.from({ length: 36 }, () => t.customer()));
    const responses = await Promise.all(
      customers.map((c) =>
        request(t.app.getHttpServer())
          .post('/api/v1/orders')
          .set('Authorization', `Bearer ${c.token}`)
          .send({ user_id: c.id, items: [{ product_id: product, quantity: 1 }] }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 409)).toHaveLength(31);
    for (const refused of responses.filter((r) => r.status === 409)) {
      expect(refused.body.type).toBe('https://nest-commerce.dev/problems/insufficient-stock');
      expect(refused.body.items).toEqual([{ product_id: product, requested: 1, available: 0 }]);
    }
    expect(await t.stockOf(product)).toBe(0);
    const rows = await t.query<{ status: string }>('SELECT status FROM orders');
    expect(rows).toHaveLength(5);
    expect(rows.every((row) => row.status === 'creada')).toBe(true);
  });
});
