import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { foldStatus } from '../src/domain/entities/order-history';
import { OrderEvent } from '../src/domain/entities/order-event';
import { Customer, OrderTestApp, expectNoLeak, startOrderTestApp } from './order-test-app';

const ORDERS = '/api/v1/orders';
const MISSING = '00000000-0000-4000-8000-000000000000';
const address = { street: 'Calle Mayor 1', city: 'Madrid', postal_code: '28013', country: 'ES' };

describe('orders API (e2e, real product service)', () => {
  let t: OrderTestApp;
  let alice: Customer;
  let bob: Customer;
  const http = () => request(t.app.getHttpServer());
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  function place(who: Customer, items: object[], extra: object = {}) {
    return http()
      .post(`${ORDERS}/`)
      .set(bearer(who.token))
      .send({ user_id: who.id, items, ...extra });
  }

  beforeAll(async () => {
    t = await startOrderTestApp();
    alice = await t.customer();
    bob = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('placing', () => {
    it('prices from the catalog in cents: 3 × 19.99 + 1 × 5.50 = 65.47, client prices ignored', async () => {
      const lamp = await t.createProduct(19.99, 10, 'Desk lamp');
      const bulb = await t.createProduct(5.5, 10, 'Bulb');
      const res = await place(
        alice,
        [
          { product_id: lamp, quantity: 3, price: 0.01 },
          { product_id: bulb, quantity: 1, price: 999 },
        ],
        { shipping_address: address },
      ).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        user_id: alice.id,
        items: [
          { product_id: lamp, name: 'Desk lamp', quantity: 3, price: 19.99, subtotal: 59.97 },
          { product_id: bulb, name: 'Bulb', quantity: 1, price: 5.5, subtotal: 5.5 },
        ],
        total: 65.47,
        status: 'creada',
        shipping_address: address,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(await t.stockOf(lamp)).toBe(7);
      expect(await t.stockOf(bulb)).toBe(9);
      const [row] = await t.query<{ total: string }>('SELECT total FROM orders WHERE id = $1', [
        res.body.id,
      ]);
      expect(row.total).toBe('65.47');
    });

    it('takes the catalog price at the moment of ordering', async () => {
      const id = await t.createProduct(10, 5);
      await request(t.product.getHttpServer())
        .patch(`/api/v1/products/${id}`)
        .set(bearer(t.adminToken))
        .send({ price: 12.34 })
        .expect(200);
      const res = await place(alice, [{ product_id: id, quantity: 2 }]).expect(201);
      expect(res.body.total).toBe(24.68);
      expect(res.body.shipping_address).toBeNull();
    });

    it('unknown products: 404 naming each one, nothing reserved or stored', async () => {
      const known = await t.createProduct(1, 5);
      const before = await t.query('SELECT id FROM orders');
      const res = await place(alice, [
        { product_id: known, quantity: 1 },
        { product_id: MISSING, quantity: 1 },
      ]).expect(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        type: 'https://nest-commerce.dev/problems/product-not-found',
        status: 404,
        product_ids: [MISSING],
      });
      expect(await t.stockOf(known)).toBe(5);
      expect(await t.query('SELECT id FROM orders')).toHaveLength(before.length);
    });

    it('short stock: 409 listing the short items, nothing kept', async () => {
      const plenty = await t.createProduct(1, 10);
      const scarce = await t.createProduct(2, 1);
      const before = await t.query('SELECT id FROM orders');
      const res = await place(alice, [
        { product_id: plenty, quantity: 4 },
        { product_id: scarce, quantity: 3 },
      ]).expect(409);
      expect(res.body).toMatchObject({
        type: 'https://nest-commerce.dev/problems/insufficient-stock',
        items: [{ product_id: scarce, requested: 3, available: 1 }],
      });
      expectNoLeak(res.body);
      expect(await t.stockOf(plenty)).toBe(10);
      expect(await t.stockOf(scarce)).toBe(1);
      expect(await t.query('SELECT id FROM orders')).toHaveLength(before.length);
    });

    it('a customer cannot order for another user (403); admin can order for anyone', async () => {
      const id = await t.createProduct(3, 5);
      const refused = await http()
        .post(ORDERS)
        .set(bearer(alice.token))
        .send({ user_id: bob.id, items: [{ product_id: id, quantity: 1 }] })
        .expect(403);
      expect(refused.body.type).toBe('https://nest-commerce.dev/problems/order-for-another-user');
      expect(await t.stockOf(id)).toBe(5);

      const res = await http()
        .post(ORDERS)
        .set(bearer(t.adminToken))
        .send({ user_id: bob.id, items: [{ product_id: id, quantity: 1 }] })
        .expect(201);
      expect(res.body.user_id).toBe(bob.id);
      await http().get(`${ORDERS}/${res.body.id}`).set(bearer(bob.token)).expect(200);
    });

    it.each([
      ['no token', null, {}],
      ['no items', 'alice', { items: [] }],
      ['quantity 0', 'alice', { items: [{ product_id: MISSING, quantity: 0 }] }],
      ['quantity 1001', 'alice', { items: [{ product_id: MISSING, quantity: 1001 }] }],
      [
        'a repeated product',
        'alice',
        {
          items: [
            { product_id: MISSING, quantity: 1 },
            { product_id: MISSING, quantity: 2 },
          ],
        },
      ],
      [
        'a price with 3 decimals',
        'alice',
        { items: [{ product_id: MISSING, quantity: 1, price: 1.234 }] },
      ],
      ['an unknown field', 'alice', { items: [{ product_id: MISSING, quantity: 1 }], total: 1 }],
      ['a status', 'alice', { items: [{ product_id: MISSING, quantity: 1 }], status: 'pagada' }],
      [
        'a lowercase country',
        'alice',
        {
          items: [{ product_id: MISSING, quantity: 1 }],
          shipping_address: { ...address, country: 'es' },
        },
      ],
    ])('refuses %s', async (_label, who, patch) => {
      const req = http().post(ORDERS);
      if (who) req.set(bearer(alice.token));
      const res = await req.send({
        user_id: alice.id,
        items: [{ product_id: MISSING, quantity: 1 }],
        ...patch,
      });
      expect(res.status).toBe(who ? 400 : 401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expectNoLeak(res.body);
    });
  });

  describe('reading and listing', () => {
    let aliceOrder: string;
    let bobOrder: string;
    let product: string;

    beforeAll(async () => {
      product = await t.createProduct(4.25, 100);
      aliceOrder = (await place(alice, [{ product_id: product, quantity: 2 }]).expect(201)).body.id;
      bobOrder = (await place(bob, [{ product_id: product, quantity: 1 }]).expect(201)).body.id;
    });

    it('the owner and admin read an order; another customer gets 404', async () => {
      const own = await http().get(`${ORDERS}/${aliceOrder}`).set(bearer(alice.token)).expect(200);
      expect(own.body).toMatchObject({ id: aliceOrder, user_id: alice.id, total: 8.5 });
      await http().get(`${ORDERS}/${aliceOrder}`).set(bearer(t.adminToken)).expect(200);
      const other = await http().get(`${ORDERS}/${bobOrder}`).set(bearer(alice.token)).expect(404);
      expect(other.body.type).toBe('https://nest-commerce.dev/problems/order-not-found');
      await http().get(`${ORDERS}/${bobOrder}/events`).set(bearer(alice.token)).expect(404);
      await http().get(`${ORDERS}/${MISSING}`).set(bearer(t.adminToken)).expect(404);
      await http().get(`${ORDERS}/not-a-uuid`).set(bearer(alice.token)).expect(400);
      await http().get(`${ORDERS}/${aliceOrder}`).expect(401);
    });

    it('a customer lists only their own orders, whatever user_id says', async () => {
      const res = await http().get(ORDERS).set(bearer(bob.token)).expect(200);
      expect(res.body.items.map((o: { user_id: string }) => o.user_id)).toEqual(
        res.body.items.map(() => bob.id),
      );
      expect(res.body.items.map((o: { id: string }) => o.id)).toContain(bobOrder);
      const spying = await http()
        .get(ORDERS)
        .query({ user_id: alice.id })
        .set(bearer(bob.token))
        .expect(200);
      expect(spying.body).toEqual({ items: [], total: 0, limit: 20, offset: 0 });
    });

    it('admin lists all, filtered by user_id and status, newest first and stable', async () => {
      const all = await http()
        .get(ORDERS)
        .query({ limit: 100 })
        .set(bearer(t.adminToken))
        .expect(200);
      const users = new Set(all.body.items.map((o: { user_id: string }) => o.user_id));
      expect(users.has(alice.id) && users.has(bob.id)).toBe(true);
      const keys = all.body.items.map((o: { created_at: string; id: string }) => [
        o.created_at,
        o.id,
      ]);
      const sorted = [...keys].sort((a, b) =>
        a[0] === b[0] ? (a[1] < b[1] ? 1 : -1) : a[0] < b[0] ? 1 : -1,
      );
      expect(keys).toEqual(sorted);

      const alices = await http()
        .get(ORDERS)
        .query({ user_id: alice.id, status: 'creada', limit: 1, offset: 0 })
        .set(bearer(t.adminToken))
        .expect(200);
      expect(alices.body.limit).toBe(1);
      expect(alices.body.items).toHaveLength(1);
      expect(alices.body.items[0].user_id).toBe(alice.id);
      const page2 = await http()
        .get(ORDERS)
        .query({ user_id: alice.id, status: 'creada', limit: 1, offset: 1 })
        .set(bearer(t.adminToken))
        .expect(200);
      expect(page2.body.total).toBe(alices.body.total);
      expect(page2.body.items[0]?.id).not.toBe(alices.body.items[0].id);

      const none = await http()
        .get(ORDERS)
        .query({ status: 'entregada', user_id: alice.id })
        .set(bearer(t.adminToken))
        .expect(200);
      expect(none.body.total).toBe(0);
    });

    it.each([
      ['limit', '0'],
      ['limit', '101'],
      ['offset', '-1'],
      ['status', 'paid'],
      ['user_id', 'x'],
    ])('refuses %s=%s (400)', async (field, value) => {
      const res = await http()
        .get(ORDERS)
        .query({ [field]: value })
        .set(bearer(alice.token))
        .expect(400);
      expect(res.body.errors[0].field).toBe(field);
    });
  });

  describe('cancelling', () => {
    it('from creada: cancelada at once, the stock goes back through the outbox, an event records it', async () => {
      const id = await t.createProduct(7, 10);
      const order = (await place(alice, [{ product_id: id, quantity: 4 }]).expect(201)).body;
      expect(await t.stockOf(id)).toBe(6);
      const res = await http()
        .post(`${ORDERS}/${order.id}/cancel`)
        .set(bearer(alice.token))
        .expect(200);
      expect(res.body.status).toBe('cancelada');
      // the release is queued with the cancel and delivered by the relay
      expect(await t.stockOf(id)).toBe(6);
      await t.drainAll();
      expect(await t.stockOf(id)).toBe(10);
      const events = await http()
        .get(`${ORDERS}/${order.id}/events`)
        .set(bearer(alice.token))
        .expect(200);
      expect(events.body.map((e: { type: string; status: string }) => [e.type, e.status])).toEqual([
        ['created', 'creada'],
        ['cancelled', 'cancelada'],
      ]);
      expect(events.body[1].cause).toBe('cancelled by the customer');
      // a second cancel is not a move of the table: 409, and no stock comes back twice
      const again = await http()
        .post(`${ORDERS}/${order.id}/cancel`)
        .set(bearer(alice.token))
        .expect(409);
      expect(again.body.type).toBe('https://nest-commerce.dev/problems/illegal-transition');
      await t.drainAll();
      expect(await t.stockOf(id)).toBe(10);
    });

    it('another customer cannot cancel (404, nothing changes); admin can', async () => {
      const id = await t.createProduct(7, 10);
      const order = (await place(bob, [{ product_id: id, quantity: 2 }]).expect(201)).body;
      await http().post(`${ORDERS}/${order.id}/cancel`).set(bearer(alice.token)).expect(404);
      expect(await t.stockOf(id)).toBe(8);
      const res = await http()
        .post(`${ORDERS}/${order.id}/cancel`)
        .set(bearer(t.adminToken))
        .expect(200);
      expect(res.body.status).toBe('cancelada');
      await t.drainAll();
      expect(await t.stockOf(id)).toBe(10);
      const events = await http()
        .get(`${ORDERS}/${order.id}/events`)
        .set(bearer(bob.token))
        .expect(200);
      expect(events.body[1].cause).toBe('cancelled by an administrator');
    });

    it('a paid order too: 200 cancelada at once; stock back once the relay has run', async () => {
      const id = await t.createProduct(7, 10);
      const order = (await place(alice, [{ product_id: id, quantity: 1 }]).expect(201)).body;
      await t
        .sendEvent('payment.approved', { payment_id: randomUUID(), order_id: order.id, amount: 7 })
        .expect(200);
      const res = await http()
        .post(`${ORDERS}/${order.id}/cancel`)
        .set(bearer(alice.token))
        .expect(200);
      expect(res.body.status).toBe('cancelada');
      await t.drainAll();
      expect(await t.stockOf(id)).toBe(10);
      // refund and delivery cancel: messaging.e2e-spec.ts
    });
  });

  describe('history', () => {
    it('records created → paid → shipped → delivered, each with status after, cause and time', async () => {
      const id = await t.createProduct(1, 10);
      const order = (await place(alice, [{ product_id: id, quantity: 1 }]).expect(201)).body;
      const paymentId = randomUUID();
      const deliveryId = randomUUID();
      const messageIds = [randomUUID(), randomUUID(), randomUUID()];
      const ids = { order_id: order.id };
      await t
        .sendEvent(
          'payment.approved',
          { payment_id: paymentId, ...ids, amount: 1 },
          { id: messageIds[0] },
        )
        .expect(200);
      await t
        .sendEvent(
          'delivery.in_transit',
          { delivery_id: deliveryId, ...ids },
          { id: messageIds[1] },
        )
        .expect(200);
      await t
        .sendEvent('delivery.delivered', { delivery_id: deliveryId, ...ids }, { id: messageIds[2] })
        .expect(200);
      const res = await http()
        .get(`${ORDERS}/${order.id}/events`)
        .set(bearer(alice.token))
        .expect(200);
      expect(res.body).toEqual([
        expect.objectContaining({
          order_id: order.id,
          type: 'created',
          status: 'creada',
          cause: 'order placed',
          message_id: null,
        }),
        expect.objectContaining({
          type: 'paid',
          status: 'pagada',
          cause: 'payment approved',
          message_id: messageIds[0],
          payment_id: paymentId,
        }),
        expect.objectContaining({
          type: 'shipped',
          status: 'enviada',
          message_id: messageIds[1],
          payment_id: null,
          delivery_id: deliveryId,
        }),
        expect.objectContaining({
          type: 'delivered',
          status: 'entregada',
          message_id: messageIds[2],
        }),
      ]);
      const times = res.body.map((e: { occurred_at: string }) => Date.parse(e.occurred_at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      const current = await http()
        .get(`${ORDERS}/${order.id}`)
        .set(bearer(alice.token))
        .expect(200);
      expect(current.body.status).toBe('entregada');
    });

    it('the status column of every order equals the fold of its events', async () => {
      const orders = await t.query<{ id: string; status: string }>('SELECT id, status FROM orders');
      expect(orders.length).toBeGreaterThan(5);
      for (const order of orders) {
        const rows = await t.query<{ type: string; status: string }>(
          'SELECT type, status FROM order_events WHERE order_id = $1 ORDER BY sequence',
          [order.id],
        );
        const events = rows.map((row) => ({ ...row }) as unknown as OrderEvent);
        expect(foldStatus(events)).toBe(order.status);
      }
    });

    it('order_events is append-only: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
      await expect(t.query(`UPDATE order_events SET cause = 'rewritten'`)).rejects.toThrow(
        /append-only/,
      );
      await expect(t.query(`DELETE FROM order_events`)).rejects.toThrow(/append-only/);
      await expect(t.query(`TRUNCATE order_events CASCADE`)).rejects.toThrow(/append-only/);
    });
  });
});
