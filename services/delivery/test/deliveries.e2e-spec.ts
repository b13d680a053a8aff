import { randomUUID } from 'node:crypto';
import {
  ADDRESS,
  Customer,
  DeliveryTestApp,
  bearer,
  expectNoLeak,
  startDeliveryTestApp,
} from './delivery-test-app';

const DELIVERIES = '/api/v1/deliveries';
const PROBLEM = 'https://nest-commerce.dev/problems';

/** The public API: owners asking for deliveries, reading and listing them, and tracking. */
describe('delivery: public API (e2e, real order service)', () => {
  let t: DeliveryTestApp;
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    t = await startDeliveryTestApp();
    alice = await t.customer();
    bob = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** An order of the customer's, without a shipping address, moved to `pagada`. */
  async function paidOrder(customer: Customer): Promise<string> {
    const orderId = await t.placeOrder(customer, { address: null });
    await t.payOrder(orderId);
    return orderId;
  }

  const ask = (customer: Customer | string, orderId: string, address: object = ADDRESS) =>
    t
      .http()
      .post(DELIVERIES)
      .set(bearer(typeof customer === 'string' ? customer : customer.token))
      .send({ order_id: orderId, address });

  describe('POST /deliveries', () => {
    it('the owner of a paid order gets a pendiente delivery (201), then the same one (200)', async () => {
      const orderId = await paidOrder(alice);
      const first = await ask(alice, orderId).expect(201);
      expect(first.body).toMatchObject({
        order_id: orderId,
        user_id: alice.id,
        address: ADDRESS,
        carrier: 'NestPost',
        status: 'pendiente',
      });
      const again = await ask(alice, orderId, { ...ADDRESS, street: 'Otra calle 9' }).expect(200);
      expect(again.body).toEqual(first.body);
    });

    it('an order not paid yet is 422 order-not-paid, nothing stored', async () => {
      const orderId = await t.placeOrder(alice, { address: null });
      const res = await ask(alice, orderId).expect(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        type: `${PROBLEM}/order-not-paid`,
        order_id: orderId,
        cancelled: false,
      });
      const rows = await t.query(`SELECT 1 FROM deliveries WHERE order_id = $1`, [orderId]);
      expect(rows).toEqual([]);
    });

    it('a cancelled order is 422 too', async () => {
      const orderId = await t.placeOrder(alice, { address: null });
      await t.cancelOrder(orderId);
      const res = await ask(alice, orderId).expect(422);
      expect(res.body.cancelled).toBe(true);
    });

    it('another customer’s order, or an unknown one, is 404 order-not-found', async () => {
      const orderId = await paidOrder(alice);
      const res = await ask(bob, orderId).expect(404);
      expect(res.body).toMatchObject({ type: `${PROBLEM}/order-not-found`, order_id: orderId });
      await ask(bob, randomUUID()).expect(404);
      const rows = await t.query(`SELECT 1 FROM deliveries WHERE order_id = $1`, [orderId]);
      expect(rows).toEqual([]);
    });

    it('admin may ask for any paid order; the delivery belongs to the order’s owner', async () => {
      const orderId = await paidOrder(bob);
      const res = await ask(t.adminToken, orderId).expect(201);
      expect(res.body.user_id).toBe(bob.id);
    });

    it('an order paid with an address already has its delivery (from order.paid): 200', async () => {
      const orderId = await t.placeOrder(alice);
      await t.payOrder(orderId);
      const res = await ask(alice, orderId, { ...ADDRESS, city: 'Sevilla' }).expect(200);
      expect(res.body).toMatchObject({ order_id: orderId, status: 'pendiente', address: ADDRESS });
    });

    it.each([
      ['no address', { order_id: randomUUID() }, 'address'],
      ['a bad order id', { order_id: 'nope', address: ADDRESS }, 'order_id'],
      ['an unknown field', { order_id: randomUUID(), address: ADDRESS, status: 'x' }, 'status'],
      [
        'a street too long',
        { order_id: randomUUID(), address: { ...ADDRESS, street: 'x'.repeat(201) } },
        'address.street',
      ],
    ])('400 for %s', async (_name, body, field) => {
      const res = await t.http().post(DELIVERIES).set(bearer(alice.token)).send(body).expect(400);
      expect(res.body.type).toBe(`${PROBLEM}/validation-error`);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('401 without a token', async () => {
      await t
        .http()
        .post(DELIVERIES)
        .send({ order_id: randomUUID(), address: ADDRESS })
        .expect(401);
    });
  });

  describe('reading', () => {
    let aliceDelivery: Record<string, unknown>;
    let bobDelivery: Record<string, unknown>;

    beforeAll(async () => {
      aliceDelivery = (await ask(alice, await paidOrder(alice)).expect(201)).body;
      bobDelivery = (await ask(bob, await paidOrder(bob)).expect(201)).body;
    });

    it('GET /deliveries/{id}: the owner and admin; another customer gets 404', async () => {
      const path = `${DELIVERIES}/${aliceDelivery.id}`;
      expect((await t.http().get(path).set(bearer(alice.token)).expect(200)).body).toEqual(
        aliceDelivery,
      );
      await t.http().get(path).set(bearer(t.adminToken)).expect(200);
      const other = await t.http().get(path).set(bearer(bob.token)).expect(404);
      expect(other.body.type).toBe(`${PROBLEM}/delivery-not-found`);
      await t.http().get(`${DELIVERIES}/${randomUUID()}`).set(bearer(alice.token)).expect(404);
      await t.http().get(`${DELIVERIES}/nope`).set(bearer(alice.token)).expect(400);
      await t.http().get(path).expect(401);
    });

    it('GET /deliveries: a customer sees their own; another’s order_id matches nothing', async () => {
      const own = await t.http().get(DELIVERIES).set(bearer(alice.token)).expect(200);
      expect(own.body.items.length).toBeGreaterThan(0);
      expect(own.body.items.every((d: { user_id: string }) => d.user_id === alice.id)).toBe(true);
      expect(own.body).toMatchObject({ total: own.body.items.length, limit: 20, offset: 0 });

      const foreign = await t
        .http()
        .get(`${DELIVERIES}?order_id=${bobDelivery.order_id}`)
        .set(bearer(alice.token))
        .expect(200);
      expect(foreign.body).toEqual({ items: [], total: 0, limit: 20, offset: 0 });

      const byOrder = await t
        .http()
        .get(`${DELIVERIES}?order_id=${aliceDelivery.order_id}`)
        .set(bearer(alice.token))
        .expect(200);
      expect(byOrder.body.items).toEqual([aliceDelivery]);
    });

    it('GET /deliveries: admin sees everyone’s, filtered, newest first, paged', async () => {
      const all = await t
        .http()
        .get(`${DELIVERIES}?limit=100`)
        .set(bearer(t.adminToken))
        .expect(200);
      const users = new Set(all.body.items.map((d: { user_id: string }) => d.user_id));
      expect(users.has(alice.id) && users.has(bob.id)).toBe(true);
      const times = all.body.items.map((d: { created_at: string }) => Date.parse(d.created_at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);

      const page = await t
        .http()
        .get(`${DELIVERIES}?limit=1&offset=1`)
        .set(bearer(t.adminToken))
        .expect(200);
      expect(page.body.items).toEqual([all.body.items[1]]);
      expect(page.body.total).toBe(all.body.total);

      const pending = await t
        .http()
        .get(`${DELIVERIES}?status=pendiente&order_id=${bobDelivery.order_id}`)
        .set(bearer(t.adminToken))
        .expect(200);
      expect(pending.body.items).toEqual([bobDelivery]);
    });

    it.each(['limit=0', 'limit=101', 'offset=-1', 'status=enviada', 'order_id=x', 'user_id=x'])(
      'GET /deliveries?%s is 400',
      async (query) => {
        const res = await t.http().get(`${DELIVERIES}?${query}`).set(bearer(alice.token));
        expect(res.status).toBe(400);
        expectNoLeak(res.body);
      },
    );

    it('PATCH status is admin only (403 for a customer, even the owner)', async () => {
      const res = await t
        .http()
        .patch(`${DELIVERIES}/${aliceDelivery.id}/status`)
        .set(bearer(alice.token))
        .send({ status: 'en_transito' })
        .expect(403);
      expect(res.body.type).toBe(`${PROBLEM}/forbidden`);
      await t
        .http()
        .patch(`${DELIVERIES}/${aliceDelivery.id}/status`)
        .send({ status: 'en_transito' })
        .expect(401);
    });
  });

  describe('tracking (public)', () => {
    let delivery: Record<string, string>;

    beforeAll(async () => {
      delivery = (await ask(alice, await paidOrder(alice)).expect(201)).body;
    });

    it('shows status, carrier, estimate and destination city/country, without a token', async () => {
      const res = await t.http().get(`${DELIVERIES}/track/${delivery.tracking_number}`).expect(200);
      expect(res.body).toEqual({
        tracking_number: delivery.tracking_number,
        carrier: 'NestPost',
        status: 'pendiente',
        estimated_delivery: delivery.estimated_delivery,
        destination: { city: 'Madrid', country: 'ES' },
        updated_at: delivery.updated_at,
      });
    });

    it('never shows the street, postal code, order, user or delivery id', async () => {
      const res = await t.http().get(`${DELIVERIES}/track/${delivery.tracking_number}`).expect(200);
      const text = JSON.stringify(res.body);
      for (const secret of [
        ADDRESS.street,
        'Calle Mayor',
        ADDRESS.postal_code,
        delivery.order_id,
        delivery.user_id,
        delivery.id,
      ]) {
        expect(text).not.toContain(secret);
      }
    });

    it('follows the status', async () => {
      await t.setDeliveryStatus(delivery.id, 'en_transito').expect(200);
      const res = await t.http().get(`${DELIVERIES}/track/${delivery.tracking_number}`).expect(200);
      expect(res.body.status).toBe('en_transito');
    });

    it('reads the number as a person types it (case, dashes)', async () => {
      const typed = `${delivery.tracking_number.slice(0, 6)}-${delivery.tracking_number.slice(6)}`;
      const res = await t.http().get(`${DELIVERIES}/track/${typed.toLowerCase()}`).expect(200);
      expect(res.body.tracking_number).toBe(delivery.tracking_number);
    });

    it('an unknown tracking number is 404; a malformed one 400', async () => {
      const unknown = await t.http().get(`${DELIVERIES}/track/NC0000000000`).expect(404);
      expect(unknown.body).toMatchObject({
        type: `${PROBLEM}/tracking-number-not-found`,
        tracking_number: 'NC0000000000',
      });
      const bad = await t.http().get(`${DELIVERIES}/track/12345`).expect(400);
      expect(bad.body.errors).toEqual([
        { field: 'tracking_number', message: expect.stringContaining('NC followed by 10') },
      ]);
      await t
        .http()
        .get(`${DELIVERIES}/track/${'N'.repeat(60)}`)
        .expect(400);
    });
  });

  describe('platform', () => {
    it('/health is up with the database', async () => {
      const res = await t.http().get('/health').expect(200);
      expect(res.body.status).toBe('ok');
    });

    it('/docs-json documents every endpoint with problem examples', async () => {
      const res = await t.http().get('/docs-json').expect(200);
      const paths = res.body.paths as Record<string, Record<string, Record<string, unknown>>>;
      expect(Object.keys(paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/deliveries',
          '/api/v1/deliveries/{id}',
          '/api/v1/deliveries/{id}/status',
          '/api/v1/deliveries/track/{tracking_number}',
          '/api/v1/internal/events',
          '/api/v1/internal/deliveries/by-order/{order_id}',
        ]),
      );
      const patch = paths['/api/v1/deliveries/{id}/status'].patch as {
        responses: Record<string, { content?: Record<string, { examples?: object }> }>;
      };
      expect(Object.keys(patch.responses)).toEqual(
        expect.arrayContaining(['200', '400', '401', '403', '404', '409']),
      );
      expect(patch.responses['409'].content?.['application/problem+json']?.examples).toHaveProperty(
        'illegalTransition',
      );
      const schemas = res.body.components.schemas as Record<string, unknown>;
      expect(Object.keys(schemas)).toEqual(
        expect.arrayContaining(['DeliveryResponseDto', 'TrackingDto', 'CreateDeliveryDto']),
      );
    });
  });
});
