import { randomUUID } from 'node:crypto';
import {
  ADDRESS,
  DELIVERY_KEY,
  DeliveryTestApp,
  ORDER_KEY,
  bearer,
  expectNoLeak,
  startDeliveryTestApp,
} from './delivery-test-app';

const INTERNAL = '/api/v1/internal/deliveries';
const PROBLEMS = 'https://nest-commerce.dev/problems';

// The stop a paid order's cancel asks for, and its race with an admin shipping the parcel:
// delivery is the authority on whether the goods left, and its database serializes the two.
describe('delivery: stopping an order’s goods before the order is cancelled (e2e)', () => {
  let t: DeliveryTestApp;

  beforeAll(async () => {
    t = await startDeliveryTestApp();
  });
  afterAll(() => t?.close());

  const stop = (orderId: string, key = ORDER_KEY) =>
    t.http().post(`${INTERNAL}/by-order/${orderId}/stop`).set('X-Service-Key', key);
  const deliveryOf = async (orderId: string) =>
    (
      await t.query<{ id: string; status: string }>(
        `SELECT id, status FROM deliveries WHERE order_id = $1`,
        [orderId],
      )
    )[0];
  const remembered = async (orderId: string) =>
    (await t.query(`SELECT 1 FROM order_cancellations WHERE order_id = $1`, [orderId])).length ===
    1;
  const published = async (orderId: string) => (await t.deliveryOutbox(orderId)).map((m) => m.type);

  async function pending(): Promise<{ orderId: string; deliveryId: string }> {
    const orderId = randomUUID();
    await t.sendPaid(orderId, randomUUID()).expect(200);
    return { orderId, deliveryId: (await deliveryOf(orderId)).id };
  }

  it('a pendiente delivery: 200 cancelled, then already_cancelled; an admin cannot ship it any more', async () => {
    const { orderId, deliveryId } = await pending();
    const first = await stop(orderId).expect(200);
    expect(first.body).toMatchObject({
      order_id: orderId,
      outcome: 'cancelled',
      delivery: { id: deliveryId, status: 'cancelada' },
    });
    expect((await stop(orderId).expect(200)).body.outcome).toBe('already_cancelled');
    expect(await remembered(orderId)).toBe(true);
    const shipped = await t.setDeliveryStatus(deliveryId, 'en_transito').expect(409);
    expect(shipped.body).toMatchObject({
      type: `${PROBLEMS}/illegal-transition`,
      current_status: 'cancelada',
    });
    expect(await published(orderId)).toEqual([]); // no delivery.in_transit ever
  });

  it('no delivery yet: 200 no_delivery, and neither a late order.paid nor the owner opens one', async () => {
    const orderId = randomUUID();
    const owner = await t.customer();
    expect((await stop(orderId).expect(200)).body).toEqual({
      order_id: orderId,
      outcome: 'no_delivery',
      delivery: null,
    });
    await t.sendPaid(orderId, owner.id).expect(200);
    expect(await deliveryOf(orderId)).toBeUndefined();
    // through the real order service: a paid order whose stop came first is refused
    const placed = await t.placeOrder(owner);
    await stop(placed).expect(200);
    await t.payOrder(placed);
    expect(await deliveryOf(placed)).toBeUndefined();
    const asked = await t
      .http()
      .post('/api/v1/deliveries')
      .set(bearer(owner.token))
      .send({ order_id: placed, address: ADDRESS })
      .expect(422);
    expect(asked.body).toMatchObject({ type: `${PROBLEMS}/order-not-paid`, cancelled: true });
  });

  it.each(['en_transito', 'entregada'])(
    'a delivery %s: 409 delivery-already-left, nothing written',
    async (status) => {
      const { orderId, deliveryId } = await pending();
      await t.setDeliveryStatus(deliveryId, 'en_transito').expect(200);
      if (status === 'entregada') await t.setDeliveryStatus(deliveryId, 'entregada').expect(200);
      const res = await stop(orderId).expect(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: `${PROBLEMS}/delivery-already-left`,
        order_id: orderId,
        delivery_id: deliveryId,
        current_status: status,
      });
      expectNoLeak(res.body);
      expect((await deliveryOf(orderId)).status).toBe(status);
      expect(await remembered(orderId)).toBe(false);
      await stop(orderId).expect(409); // asked again: the same answer
    },
  );

  it('only the order service may ask: no key or a user token 401, a bad id 400', async () => {
    const { orderId } = await pending();
    await t.http().post(`${INTERNAL}/by-order/${orderId}/stop`).expect(401);
    await t
      .http()
      .post(`${INTERNAL}/by-order/${orderId}/stop`)
      .set(bearer(t.adminToken))
      .expect(401);
    await stop(orderId, DELIVERY_KEY).expect(401); // not a key delivery accepts from anyone
    const bad = await stop('nope').expect(400);
    expect(bad.body.errors).toEqual([{ field: 'order_id', message: 'order_id must be a UUID' }]);
    expect((await deliveryOf(orderId)).status).toBe('pendiente');
  });

  it('the stop racing an admin’s en_transito: exactly one wins, every round', async () => {
    const wins = { stopped: 0, shipped: 0 };
    for (let round = 0; round < 30; round += 1) {
      const { orderId, deliveryId } = await pending();
      const [stopped, shipped] = await Promise.all([
        stop(orderId),
        t.setDeliveryStatus(deliveryId, 'en_transito'),
      ]);
      const status = (await deliveryOf(orderId)).status;
      if (stopped.status === 200) {
        wins.stopped += 1;
        expect(stopped.body.outcome).toBe('cancelled');
        expect(shipped.status).toBe(409);
        expect(status).toBe('cancelada');
        expect(await published(orderId)).toEqual([]);
      } else {
        wins.shipped += 1;
        expect(stopped.status).toBe(409);
        expect(stopped.body.type).toBe(`${PROBLEMS}/delivery-already-left`);
        expect(shipped.status).toBe(200);
        expect(status).toBe('en_transito');
        expect(await published(orderId)).toEqual(['delivery.in_transit']);
        expect(await remembered(orderId)).toBe(false);
      }
    }
    expect(wins.stopped + wins.shipped).toBe(30);
    console.info(`stop vs en_transito in delivery_db, 30 rounds: ${JSON.stringify(wins)}`);
  });

  it('through the real order service: cancelling a paid order cancels its delivery before it answers', async () => {
    const owner = await t.customer();
    const orderId = await t.placeOrder(owner);
    await t.payOrder(orderId);
    expect((await deliveryOf(orderId)).status).toBe('pendiente');
    const res = await t
      .orderHttp()
      .post(`/api/v1/orders/${orderId}/cancel`)
      .set(bearer(owner.token))
      .expect(200);
    expect(res.body.status).toBe('cancelada');
    // no relay has run: the stop was synchronous
    expect((await deliveryOf(orderId)).status).toBe('cancelada');
    // order.cancelled arrives later and changes nothing (no dead letter, no warning case)
    await t.drainOrder();
    expect((await deliveryOf(orderId)).status).toBe('cancelada');
    expect((await t.deliveryOutbox(orderId)).filter((m) => m.status === 'dead')).toEqual([]);
  });

  it('through the real order service: the parcel left first → the cancel is 409, and the order ships', async () => {
    const owner = await t.customer();
    const orderId = await t.placeOrder(owner);
    await t.payOrder(orderId);
    await t.setDeliveryStatus((await deliveryOf(orderId)).id, 'en_transito').expect(200);
    const res = await t
      .orderHttp()
      .post(`/api/v1/orders/${orderId}/cancel`)
      .set(bearer(owner.token))
      .expect(409);
    expect(res.body).toMatchObject({
      type: `${PROBLEMS}/illegal-transition`,
      current_status: 'pagada',
      requested_status: 'cancelada',
    });
    expect((await t.orderOf(orderId)).status).toBe('pagada');
    await t.drainDelivery();
    expect((await t.orderOf(orderId)).status).toBe('enviada');
  });
});
