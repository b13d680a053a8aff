import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ADDRESS,
  Customer,
  DeliveryTestApp,
  ORDER_KEY,
  bearer,
  expectNoLeak,
  startDeliveryTestApp,
} from './delivery-test-app';

/** The order service stopped and started again: nothing acknowledged is lost, nothing doubled. */
describe('delivery: order service outage (e2e)', () => {
  let t: DeliveryTestApp;
  let alice: Customer;
  let orderId: string;
  let deliveryId: string;

  beforeAll(async () => {
    t = await startDeliveryTestApp({
      // a retry is not due again within one drain pass while the order service is down
      deliveryEnv: { OUTBOX_BACKOFF_BASE_MS: '200', OUTBOX_BACKOFF_MAX_MS: '400' },
    });
    alice = await t.customer();
    orderId = await t.placeOrder(alice);
    await t.payOrder(orderId);
    const res = await t
      .http()
      .get(`/api/v1/internal/deliveries/by-order/${orderId}`)
      .set('X-Service-Key', ORDER_KEY)
      .expect(200);
    deliveryId = res.body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('with the order service stopped, moving the delivery to en_transito still answers 200', async () => {
    await t.stopOrder();
    const res = await t.setDeliveryStatus(deliveryId, 'en_transito').expect(200);
    expect(res.body.status).toBe('en_transito');
    await t.drainDelivery();
    const [notice] = await t.deliveryOutbox(orderId);
    expect(notice).toMatchObject({ status: 'pending', attempts: 1, last_error: 'unavailable' });
  });

  it('an owner request needing the order service is 503, nothing stored', async () => {
    const other = randomUUID();
    const res = await t
      .http()
      .post('/api/v1/deliveries')
      .set(bearer(alice.token))
      .send({ order_id: other, address: ADDRESS })
      .expect(503);
    expect(res.body.type).toBe('https://nest-commerce.dev/problems/upstream-unavailable');
    expectNoLeak(res.body);
    expect(await t.query(`SELECT 1 FROM deliveries WHERE order_id = $1`, [other])).toEqual([]);
  });

  it('reads and tracking keep working without the order service', async () => {
    const res = await t.http().get(`/api/v1/deliveries/${deliveryId}`).set(bearer(alice.token));
    expect(res.status).toBe(200);
    await t.http().get(`/api/v1/deliveries/track/${res.body.tracking_number}`).expect(200);
  });

  it('once the order service is back (same database and port), the order becomes enviada, once', async () => {
    await t.startOrder();
    expect((await t.orderOf(orderId)).status).toBe('pagada');
    await sleep(450);
    await t.drainDelivery();
    expect((await t.orderOf(orderId)).status).toBe('enviada');
    const [notice] = await t.deliveryOutbox(orderId);
    expect(notice).toMatchObject({ status: 'delivered', attempts: 2, last_error: null });

    await t.drainDelivery();
    const events = await t.orderEvents(orderId);
    expect(events.map((e) => e.type)).toEqual(['created', 'paid', 'shipped']);
    expect(events[2].delivery_id).toBe(deliveryId);
  });
});
