import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { ProductTestApp, SERVICE_KEY, startProductTestApp } from './product-test-app';

const EVENTS = '/api/v1/internal/events';

/** What product makes of the order's events: order.cancelled gives the reserved stock back. */
describe('product: the order’s events (e2e)', () => {
  let t: ProductTestApp;
  const http = () => request(t.app.getHttpServer());
  const asOrder = { 'X-Service-Key': SERVICE_KEY };

  async function product(stock: number): Promise<string> {
    const res = await http()
      .post('/api/v1/products')
      .set('Authorization', `Bearer ${t.adminToken}`)
      .send({ name: `E${stock}`, price: 3, stock_quantity: stock, category: 'events-test' })
      .expect(201);
    return res.body.id as string;
  }
  const stockOf = async (id: string) =>
    (await http().get(`/api/v1/products/${id}`).expect(200)).body.stock_quantity as number;

  async function reserved(productId: string, quantity: number): Promise<string> {
    const orderId = randomUUID();
    await http()
      .post('/api/v1/stock/reservations')
      .set(asOrder)
      .send({ order_id: orderId, items: [{ product_id: productId, quantity }] })
      .expect(201);
    return orderId;
  }

  const cancelled = (
    orderId: string,
    id: string = randomUUID(),
    cause = 'cancelled by the customer',
  ) =>
    http()
      .post(EVENTS)
      .set(asOrder)
      .send({
        id,
        type: 'order.cancelled',
        version: 1,
        occurred_at: new Date().toISOString(),
        producer: 'order',
        subject: orderId,
        payload: { order_id: orderId, user_id: randomUUID(), cause },
      });

  beforeAll(async () => {
    t = await startProductTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('order.cancelled releases the reservation once; the same event again is a duplicate', async () => {
    const id = await product(10);
    const orderId = await reserved(id, 4);
    expect(await stockOf(id)).toBe(6);
    const eventId = randomUUID();
    expect((await cancelled(orderId, eventId).expect(200)).body).toEqual({ status: 'applied' });
    expect(await stockOf(id)).toBe(10);
    expect((await cancelled(orderId, eventId).expect(200)).body).toEqual({ status: 'duplicate' });
    // the cancellation stated again (a late payment): applied, nothing more given back
    await cancelled(orderId, randomUUID(), 'payment approved after the order was cancelled').expect(
      200,
    );
    expect(await stockOf(id)).toBe(10);
  });

  it('an order without a reservation can never apply: 422 (dead-lettered at once), nothing recorded', async () => {
    const eventId = randomUUID();
    const res = await cancelled(randomUUID(), eventId).expect(422);
    expect(res.body.detail).toMatch(/no_reservation/);
    const again = await cancelled(randomUUID(), eventId).expect(422);
    expect(again.body.detail).toMatch(/no_reservation/);
  });

  it('only the order service posts events here: other credentials are 401', async () => {
    const id = await product(5);
    await reserved(id, 2);
    await http().post(EVENTS).send({}).expect(401);
    await http().post(EVENTS).set('Authorization', `Bearer ${t.adminToken}`).send({}).expect(401);
    expect(await stockOf(id)).toBe(3);
  });

  it('duplicated and shuffled cancellations of several orders give back exactly what was reserved (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            quantity: fc.integer({ min: 1, max: 5 }),
            copies: fc.integer({ min: 1, max: 3 }),
            restated: fc.boolean(),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        async (orders, keys) => {
          const id = await product(50);
          const events: Array<{ orderId: string; eventId: string }> = [];
          for (const order of orders) {
            const orderId = await reserved(id, order.quantity);
            const ids = [randomUUID(), ...(order.restated ? [randomUUID()] : [])];
            for (const eventId of ids) {
              for (let n = 0; n < order.copies; n++) events.push({ orderId, eventId });
            }
          }
          const shuffled = events
            .map((event, n) => ({ event, key: keys[n % keys.length] * 100 + n }))
            .sort((a, b) => a.key - b.key)
            .map(({ event }) => event);
          for (const { orderId, eventId } of shuffled) {
            await cancelled(orderId, eventId).expect(200);
          }
          // in order or not, once or thrice: every reservation back exactly once
          expect(await stockOf(id)).toBe(50);
        },
      ),
      { numRuns: 20 },
    );
  });
});
