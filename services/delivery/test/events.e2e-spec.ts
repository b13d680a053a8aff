import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  ADDRESS,
  DELIVERY_KEY,
  DeliveryTestApp,
  ORDER_KEY,
  envelope,
  startDeliveryTestApp,
} from './delivery-test-app';

const EVENTS = '/api/v1/internal/events';
const INTERNAL = '/api/v1/internal/deliveries';

/** What delivery makes of the order's events, posted as the order's relay posts them. */
describe('delivery: the order’s events (e2e)', () => {
  let t: DeliveryTestApp;

  beforeAll(async () => {
    t = await startDeliveryTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const deliveriesOf = (orderId: string) =>
    t.query<{ id: string; status: string; user_id: string; street: string }>(
      `SELECT id, status, user_id, street FROM deliveries WHERE order_id = $1`,
      [orderId],
    );
  const published = async (orderId: string) => (await t.deliveryOutbox(orderId)).map((m) => m.type);

  describe('order.paid', () => {
    it('with an address: a pendiente delivery (delivery.created has no subscriber yet: no row)', async () => {
      const orderId = randomUUID();
      const userId = randomUUID();
      const res = await t.sendPaid(orderId, userId).expect(200);
      expect(res.body).toEqual({ status: 'applied' });
      const [row] = await deliveriesOf(orderId);
      expect(row).toMatchObject({ status: 'pendiente', user_id: userId, street: ADDRESS.street });
      expect(await published(orderId)).toEqual([]);
    });

    it('without an address: nothing opens, the order is remembered as paid', async () => {
      const orderId = randomUUID();
      await t.sendPaid(orderId, randomUUID(), randomUUID(), null).expect(200);
      expect(await deliveriesOf(orderId)).toEqual([]);
      expect(
        await t.query(`SELECT 1 FROM paid_orders WHERE order_id = $1`, [orderId]),
      ).toHaveLength(1);
    });

    it('the same event twice: applied once (inbox); another order.paid for the order: the same delivery', async () => {
      const orderId = randomUUID();
      const eventId = randomUUID();
      expect((await t.sendPaid(orderId, randomUUID(), eventId).expect(200)).body.status).toBe(
        'applied',
      );
      expect((await t.sendPaid(orderId, randomUUID(), eventId).expect(200)).body.status).toBe(
        'duplicate',
      );
      await t
        .sendPaid(orderId, randomUUID(), randomUUID(), { ...ADDRESS, street: 'Otra 2' })
        .expect(200);
      const rows = await deliveriesOf(orderId);
      expect(rows).toHaveLength(1);
      expect(rows[0].street).toBe(ADDRESS.street);
    });

    it('8 concurrent events for one order (distinct ids, and one id 8 times): one delivery each', async () => {
      const orderA = randomUUID();
      const distinct = await Promise.all(
        Array.from({ length: 8 }, () => t.sendPaid(orderA, randomUUID())),
      );
      expect(distinct.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(await deliveriesOf(orderA)).toHaveLength(1);

      const orderB = randomUUID();
      const eventId = randomUUID();
      const same = await Promise.all(
        Array.from({ length: 8 }, () => t.sendPaid(orderB, randomUUID(), eventId)),
      );
      expect(same.filter((r) => r.body.status === 'applied')).toHaveLength(1);
      expect(same.filter((r) => r.body.status === 'duplicate')).toHaveLength(7);
      expect(await deliveriesOf(orderB)).toHaveLength(1);
    });

    it('a payload off its contract is 422 (dead-lettered at once), nothing stored, nothing recorded', async () => {
      const orderId = randomUUID();
      const eventId = randomUUID();
      const bad = envelope(
        'order.paid',
        'order',
        orderId,
        {
          order_id: orderId,
          user_id: randomUUID(),
          payment_id: randomUUID(),
          total: 9.99,
          shipping_address: { ...ADDRESS, country: 'Spain' },
        },
        eventId,
      );
      const res = await t.http().post(EVENTS).set('X-Service-Key', ORDER_KEY).send(bad).expect(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(await deliveriesOf(orderId)).toEqual([]);
      expect(
        await t.query(`SELECT 1 FROM inbox_messages WHERE message_id = $1`, [eventId]),
      ).toEqual([]);
    });
  });

  describe('order.cancelled', () => {
    it('a pendiente delivery becomes cancelada; stated again: unchanged', async () => {
      const orderId = randomUUID();
      await t.sendPaid(orderId, randomUUID()).expect(200);
      await t.sendCancelled(orderId).expect(200);
      expect((await deliveriesOf(orderId))[0].status).toBe('cancelada');
      await t.sendCancelled(orderId).expect(200);
      expect((await deliveriesOf(orderId))[0].status).toBe('cancelada');
    });

    it.each(['en_transito', 'entregada'])('a delivery %s stays as it is', async (status) => {
      const orderId = randomUUID();
      await t.sendPaid(orderId, randomUUID()).expect(200);
      const [row] = await deliveriesOf(orderId);
      await t.setDeliveryStatus(row.id, 'en_transito').expect(200);
      if (status === 'entregada') await t.setDeliveryStatus(row.id, 'entregada').expect(200);
      await t.sendCancelled(orderId).expect(200);
      expect((await deliveriesOf(orderId))[0].status).toBe(status);
    });

    it('before order.paid: nothing to cancel, and the late order.paid opens nothing', async () => {
      const orderId = randomUUID();
      await t.sendCancelled(orderId).expect(200);
      await t.sendPaid(orderId, randomUUID()).expect(200);
      expect(await deliveriesOf(orderId)).toEqual([]);
    });

    it('a cancellation racing order.paid never leaves a pendiente delivery behind', async () => {
      for (let round = 0; round < 5; round += 1) {
        const orderId = randomUUID();
        const results = await Promise.all([
          t.sendPaid(orderId, randomUUID()),
          t.sendCancelled(orderId),
          t.sendPaid(orderId, randomUUID()),
        ]);
        expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
        const rows = await deliveriesOf(orderId);
        expect(rows.length).toBeLessThanOrEqual(1);
        if (rows.length === 1) expect(rows[0].status).toBe('cancelada');
      }
    });
  });

  it('duplicated and shuffled order events end as in order: an open delivery only for a paid, uncancelled order with an address (generated)', async () => {
    type Fact = 'paid' | 'cancelled';
    const story = fc.record({
      cancelled: fc.boolean(),
      address: fc.boolean(),
      copies: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      order: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(story, async ({ cancelled, address, copies, order }) => {
        const orderId = randomUUID();
        const userId = randomUUID();
        const facts: Fact[] = cancelled ? ['paid', 'cancelled'] : ['paid'];
        const ids = { paid: randomUUID(), cancelled: randomUUID() };
        const deliveries = facts.flatMap((fact, n) => Array<Fact>(copies[n]).fill(fact));
        const shuffled = deliveries
          .map((fact, n) => ({ fact, key: order[n % order.length] * 10 + n }))
          .sort((a, b) => a.key - b.key)
          .map(({ fact }) => fact);
        for (const fact of shuffled) {
          const res =
            fact === 'paid'
              ? await t.sendPaid(orderId, userId, ids.paid, address ? ADDRESS : null)
              : await t.sendCancelled(orderId, ids.cancelled, userId);
          expect(res.status).toBe(200);
        }
        // in order: paid opens (with an address), cancelled cancels it; shuffled, a cancellation
        // first means none opens. Either way the same end: open iff paid, uncancelled, addressed
        const rows = await deliveriesOf(orderId);
        const open = rows.filter((row) => row.status === 'pendiente');
        expect(open).toHaveLength(address && !cancelled ? 1 : 0);
        expect(rows.length).toBeLessThanOrEqual(1);
        // and whenever the order is known paid, its owner's request follows the same rule
        const paid = await t.query(`SELECT 1 FROM paid_orders WHERE order_id = $1`, [orderId]);
        expect(paid).toHaveLength(1);
      }),
      { numRuns: 30 },
    );
  });

  describe('lookup by order (service key)', () => {
    it('answers the order’s delivery, or 404', async () => {
      const orderId = randomUUID();
      await t.sendPaid(orderId, randomUUID()).expect(200);
      const res = await t
        .http()
        .get(`${INTERNAL}/by-order/${orderId}`)
        .set('X-Service-Key', ORDER_KEY)
        .expect(200);
      expect(res.body).toMatchObject({ order_id: orderId, status: 'pendiente' });
      const none = await t
        .http()
        .get(`${INTERNAL}/by-order/${randomUUID()}`)
        .set('X-Service-Key', ORDER_KEY)
        .expect(404);
      expect(none.body.type).toBe('https://nest-commerce.dev/problems/delivery-not-found');
      await t.http().get(`${INTERNAL}/by-order/nope`).set('X-Service-Key', ORDER_KEY).expect(400);
    });
  });

  describe('authentication', () => {
    it.each([
      ['no key', {}, 401],
      ['a wrong key', { 'X-Service-Key': 'not-a-configured-key-000' }, 401],
      ['the delivery service’s own key', { 'X-Service-Key': DELIVERY_KEY }, 401],
      ['a user token, even an admin’s', 'admin', 401],
    ])('refuses %s', async (_name, headers, status) => {
      const orderId = randomUUID();
      const body = envelope('order.paid', 'order', orderId, {
        order_id: orderId,
        user_id: randomUUID(),
        payment_id: randomUUID(),
        total: 1,
        shipping_address: ADDRESS,
      });
      const res = await t
        .http()
        .post(EVENTS)
        .set(headers === 'admin' ? { Authorization: `Bearer ${t.adminToken}` } : headers)
        .send(body);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(await deliveriesOf(orderId)).toEqual([]);
    });
  });
});
