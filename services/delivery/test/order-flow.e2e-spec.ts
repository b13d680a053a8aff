import { Test, TestingModule } from '@nestjs/testing';
import { DeliveryClient } from '@app/clients';
import { EVENTS_PATH, PlatformModule } from '@app/platform';
import { testEnv } from '@app/testing';
import { DELIVERY_STATUS_VALUES, DeliveryStatus } from '../src/domain/entities/delivery-status';
import {
  Customer,
  DeliveryTestApp,
  ORDER_KEY,
  bearer,
  startDeliveryTestApp,
} from './delivery-test-app';

const DELIVERIES = '/api/v1/deliveries';

/** Each status reached along the table, from pendiente. */
const PATH: Record<DeliveryStatus, DeliveryStatus[]> = {
  pendiente: [],
  en_transito: ['en_transito'],
  entregada: ['en_transito', 'entregada'],
  cancelada: ['cancelada'],
};
const ALLOWED = new Set(['pendiente>en_transito', 'en_transito>entregada', 'pendiente>cancelada']);
const PAIRS = DELIVERY_STATUS_VALUES.flatMap((from) =>
  DELIVERY_STATUS_VALUES.map((to) => [from, to] as [DeliveryStatus, DeliveryStatus]),
);

/**
 * Deliveries moving their orders along: the delivery service's events (`delivery.in_transit`,
 * `delivery.delivered`) through its outbox to the real order service's events endpoint,
 * drained by the tests; redelivery, refusals and order.
 */
describe('delivery ↔ order: delivery events through the outbox (e2e)', () => {
  let t: DeliveryTestApp;
  let alice: Customer;
  let caller: TestingModule;
  let client: DeliveryClient;

  beforeAll(async () => {
    t = await startDeliveryTestApp();
    alice = await t.customer();
    // the typed client, as the order-flow scripts (and any service) would use it
    caller = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({
          service: 'order',
          env: testEnv({
            extra: { DELIVERY_SERVICE_URL: t.deliveryUrl, SERVICE_API_KEY: ORDER_KEY },
          }),
          upstreams: ['delivery'],
        }),
      ],
      providers: [DeliveryClient],
    }).compile();
    client = caller.get(DeliveryClient);
  });
  afterAll(async () => {
    await caller?.close();
    await t?.close();
  });

  /** A paid order with an address, and the delivery its order.paid opened. */
  async function shippedOrder(): Promise<{ orderId: string; deliveryId: string }> {
    const orderId = await t.placeOrder(alice);
    await t.payOrder(orderId);
    const found = await client.getByOrder(orderId);
    if (!found.ok) throw new Error(`no delivery for ${orderId}: ${found.status}`);
    return { orderId, deliveryId: found.body.id };
  }

  const types = async (orderId: string) => (await t.orderEvents(orderId)).map((e) => e.type);
  /** this order's outbox messages at the delivery service: [status, attempts], oldest first */
  const attempts = async (orderId: string) =>
    (await t.deliveryOutbox(orderId)).map((m) => [m.status, m.attempts]);

  it('the whole way: paid → delivery pendiente → en_transito → order enviada → entregada → order entregada', async () => {
    const orderId = await t.placeOrder(alice);
    await t.payOrder(orderId);
    const found = await client.getByOrder(orderId);
    expect(found).toMatchObject({ ok: true, body: { order_id: orderId, status: 'pendiente' } });
    const deliveryId = found.ok ? found.body.id : '';

    const moved = await t.setDeliveryStatus(deliveryId, 'en_transito').expect(200);
    expect(moved.body.status).toBe('en_transito');
    // written with the change, delivered by the relay: the order has not moved yet
    const outbox = await t.deliveryOutbox(orderId);
    expect(outbox).toEqual([
      expect.objectContaining({
        type: 'delivery.in_transit',
        aggregate_id: orderId,
        destination: 'order',
        path: EVENTS_PATH,
        status: 'pending',
      }),
    ]);
    // a fact in delivery's words: no order status in it
    expect(outbox[0].payload.payload).toEqual({ delivery_id: deliveryId, order_id: orderId });
    expect((await t.orderOf(orderId)).status).toBe('pagada');
    await t.drainDelivery();
    expect((await t.orderOf(orderId)).status).toBe('enviada');

    await t.setDeliveryStatus(deliveryId, 'entregada').expect(200);
    await t.drainDelivery();
    expect((await t.orderOf(orderId)).status).toBe('entregada');

    const events = await t.orderEvents(orderId);
    expect(events.map((e) => [e.type, e.status])).toEqual([
      ['created', 'creada'],
      ['paid', 'pagada'],
      ['shipped', 'enviada'],
      ['delivered', 'entregada'],
    ]);
    expect(events[2]).toMatchObject({
      delivery_id: deliveryId,
      cause: 'delivery left the warehouse',
    });
    expect(events[3].delivery_id).toBe(deliveryId);
    expect((await t.deliveryOutbox(orderId)).map((m) => m.status)).toEqual([
      'delivered',
      'delivered',
    ]);

    const tracked = await client.track(found.ok ? found.body.tracking_number : '');
    expect(tracked).toMatchObject({ ok: true, body: { status: 'entregada' } });
  });

  describe('PATCH /deliveries/{id}/status, every one of the 16 pairs', () => {
    it.each(PAIRS)('%s → %s', async (from, to) => {
      const { orderId, deliveryId } = await shippedOrder();
      for (const step of PATH[from]) await t.setDeliveryStatus(deliveryId, step).expect(200);
      const before = (await t.deliveryOutbox(orderId)).length;
      const res = await t.setDeliveryStatus(deliveryId, to);
      const after = (await t.deliveryOutbox(orderId)).length;
      if (ALLOWED.has(`${from}>${to}`)) {
        expect(res.status).toBe(200);
        expect(res.body.status).toBe(to);
        // en_transito and entregada go to the order; delivery.cancelled has no subscriber yet
        expect(after - before).toBe(to === 'cancelada' ? 0 : 1);
      } else {
        expect(res.status).toBe(409);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body).toMatchObject({
          type: 'https://nest-commerce.dev/problems/illegal-transition',
          current_status: from,
          requested_status: to,
        });
        expect(after).toBe(before);
      }
      const current = await t.http().get(`${DELIVERIES}/${deliveryId}`).set(bearer(t.adminToken));
      expect(current.body.status).toBe(ALLOWED.has(`${from}>${to}`) ? to : from);
    });

    it('unknown delivery 404, bad body 400', async () => {
      const res = await t.setDeliveryStatus('6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b', 'en_transito');
      expect(res.status).toBe(404);
      const { deliveryId } = await shippedOrder();
      expect((await t.setDeliveryStatus(deliveryId, 'enviada')).status).toBe(400);
    });
  });

  describe('redelivery and order', () => {
    it('draining twice, and a redelivered message (lost acknowledgement), move the order once', async () => {
      const { orderId, deliveryId } = await shippedOrder();
      await t.setDeliveryStatus(deliveryId, 'en_transito').expect(200);
      await t.drainDelivery();
      await t.drainDelivery();
      expect(await attempts(orderId)).toEqual([['delivered', 1]]);
      // as if the order's 200 had been lost: the relay sends the same message again
      await t.query(
        `UPDATE outbox_messages SET status = 'pending', delivered_at = NULL WHERE aggregate_id = $1`,
        [orderId],
      );
      await t.drainDelivery();
      expect(await attempts(orderId)).toEqual([['delivered', 2]]);
      expect((await t.orderOf(orderId)).status).toBe('enviada');
      expect((await types(orderId)).filter((type) => type === 'shipped')).toHaveLength(1);
    });

    it('a late en_transito after entregada never moves the order back', async () => {
      const { orderId, deliveryId } = await shippedOrder();
      await t.setDeliveryStatus(deliveryId, 'en_transito').expect(200);
      await t.setDeliveryStatus(deliveryId, 'entregada').expect(200);
      // both go out, in the order they were written
      await t.drainDelivery();
      expect(await attempts(orderId)).toEqual([
        ['delivered', 1],
        ['delivered', 1],
      ]);
      expect((await t.orderOf(orderId)).status).toBe('entregada');
      // the in-transit message delivered again, after the delivered one
      const [inTransit] = await t.deliveryOutbox(orderId);
      expect(inTransit.type).toBe('delivery.in_transit');
      await t.query(
        `UPDATE outbox_messages SET status = 'pending', delivered_at = NULL WHERE id = $1`,
        [inTransit.id],
      );
      await t.drainDelivery();
      expect(await attempts(orderId)).toEqual([
        ['delivered', 2],
        ['delivered', 1],
      ]);
      expect((await t.orderOf(orderId)).status).toBe('entregada');
      expect(await types(orderId)).toEqual(['created', 'paid', 'shipped', 'delivered']);
    });

    it('an event the order cannot take yet (503) stays pending, delivered once the order has caught up', async () => {
      // an order not paid yet, whose delivery exists anyway (as an early event would leave it)
      const orderId = await t.placeOrder(alice, { address: null });
      await t.sendPaid(orderId, alice.id).expect(200);
      const found = await client.getByOrder(orderId);
      const deliveryId = found.ok ? found.body.id : '';
      await t.setDeliveryStatus(deliveryId, 'en_transito').expect(200);
      await t.setDeliveryStatus(deliveryId, 'entregada').expect(200);

      await t.drainDelivery();
      let outbox = await t.deliveryOutbox(orderId);
      // the head was not applied yet (creada → enviada must wait for pagada): 503, retried;
      // the one behind it waits its turn
      expect(outbox.map((m) => [m.status, m.attempts, m.last_error])).toEqual([
        ['pending', 1, 'unavailable'],
        ['pending', 0, null],
      ]);
      expect((await t.orderOf(orderId)).status).toBe('creada');

      await t.payOrder(orderId);
      await t.waitForBackoff();
      await t.drainDelivery();
      expect((await t.orderOf(orderId)).status).toBe('entregada');
      outbox = await t.deliveryOutbox(orderId);
      expect(outbox.map((m) => m.status)).toEqual(['delivered', 'delivered']);
      expect(await types(orderId)).toEqual(['created', 'paid', 'shipped', 'delivered']);
    });
  });

  describe('cancelling the order', () => {
    it('a paid order cancelled by its owner stops its pending delivery before the answer', async () => {
      const { orderId, deliveryId } = await shippedOrder();
      await t
        .orderHttp()
        .post(`/api/v1/orders/${orderId}/cancel`)
        .set(bearer(alice.token))
        .expect(200);
      // before any relay: the order asked delivery to stop the goods (synchronously)
      const res = await t.http().get(`${DELIVERIES}/${deliveryId}`).set(bearer(alice.token));
      expect(res.body.status).toBe('cancelada');
      await t.drainOrder(); // order.cancelled arrives and changes nothing
      await t.setDeliveryStatus(deliveryId, 'en_transito').expect(409);
      expect(await t.deliveryOutbox(orderId)).toEqual([]);
    });

    it('an order whose parcel left first: the cancel is refused (409), the order ships, nothing is dead-lettered', async () => {
      const { orderId, deliveryId } = await shippedOrder();
      await t.setDeliveryStatus(deliveryId, 'en_transito').expect(200);
      const refused = await t
        .orderHttp()
        .post(`/api/v1/orders/${orderId}/cancel`)
        .set(bearer(alice.token))
        .expect(409);
      expect(refused.body).toMatchObject({
        type: 'https://nest-commerce.dev/problems/illegal-transition',
        reason: 'shipped',
      });
      await t.drainOrder();
      await t.drainDelivery();
      const delivery = await t.http().get(`${DELIVERIES}/${deliveryId}`).set(bearer(alice.token));
      expect(delivery.body.status).toBe('en_transito');
      expect((await t.orderOf(orderId)).status).toBe('enviada');
      const [notice] = await t.deliveryOutbox(orderId);
      expect(notice).toMatchObject({ type: 'delivery.in_transit', status: 'delivered' });
    });
  });
});
