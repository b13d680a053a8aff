import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { foldStatus } from '../src/domain/entities/order-history';
import { OrderEvent } from '../src/domain/entities/order-event';
import {
  Customer,
  DELIVERY_KEY,
  OrderTestApp,
  PAYMENT_KEY,
  startOrderTestApp,
} from './order-test-app';

const ORDERS = '/api/v1/orders';
const ADDRESS = { street: 'Calle Mayor 1', city: 'Madrid', postal_code: '28013', country: 'ES' };

/**
 * Retries due 150-300 ms after a failure: long enough that one relay pass (drain) never tries
 * a message twice, so the attempts are exact; waitForBackoff makes a failed message due again.
 */
const BACKOFF = { OUTBOX_BACKOFF_BASE_MS: '200', OUTBOX_BACKOFF_MAX_MS: '300' };
const waitForBackoff = () => sleep(320);

describe('order events: what the order publishes, and what it makes of the others’ (e2e)', () => {
  let t: OrderTestApp;
  let alice: Customer;
  const http = () => request(t.app.getHttpServer());
  const asAlice = () => ({ Authorization: `Bearer ${alice.token}` });
  const asAdmin = () => ({ Authorization: `Bearer ${t.adminToken}` });

  async function place(productId: string, quantity: number, withAddress = true): Promise<string> {
    const res = await http()
      .post(ORDERS)
      .set(asAlice())
      .send({
        user_id: alice.id,
        items: [{ product_id: productId, quantity }],
        ...(withAddress ? { shipping_address: ADDRESS } : {}),
      })
      .expect(201);
    return res.body.id;
  }

  /** payment's `payment.approved`, as its relay would post it */
  function paymentApproved(orderId: string, id = randomUUID(), paymentId = randomUUID()) {
    return t.sendEvent(
      'payment.approved',
      { payment_id: paymentId, order_id: orderId, amount: 1 },
      { id },
    );
  }

  const cancel = (orderId: string) => http().post(`${ORDERS}/${orderId}/cancel`).set(asAlice());

  async function order(orderId: string): Promise<{ status: string }> {
    return (await http().get(`${ORDERS}/${orderId}`).set(asAlice()).expect(200)).body;
  }

  async function events(orderId: string): Promise<OrderEvent[]> {
    return (await http().get(`${ORDERS}/${orderId}/events`).set(asAlice()).expect(200)).body;
  }

  beforeAll(async () => {
    // a high breaker threshold: failures provoked in one test must not open the circuit for the next
    t = await startOrderTestApp({
      orderEnv: { OUTBOX_MAX_ATTEMPTS: '3', UPSTREAM_BREAKER_THRESHOLD: '1000', ...BACKOFF },
    });
    alice = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });
  // every test starts with nothing pending: what a test left behind is delivered now
  afterEach(async () => {
    t.delivery.mode = 'ok';
    t.delivery.stopMode = 'stopped';
    t.payment.mode = 'ok';
    await t.drainAll();
  });

  describe('placing', () => {
    it('order.placed is written with the order; no one subscribes yet, so no row is queued', async () => {
      const product = await t.createProduct(10, 10);
      const id = await place(product, 2);
      expect(await t.outbox(id)).toEqual([]);
    });
  });

  describe('payment.approved → pagada → order.paid', () => {
    it('the status change and order.paid commit together; the relay delivers it once, with the address', async () => {
      const product = await t.createProduct(10, 10);
      const id = await place(product, 2);
      const paymentId = randomUUID();
      const res = await paymentApproved(id, randomUUID(), paymentId).expect(200);
      expect(res.body).toEqual({ status: 'applied' });
      expect((await order(id)).status).toBe('pagada');

      // written with the change, before anyone relays it
      const queued = await t.outbox(id);
      expect(queued).toEqual([
        expect.objectContaining({
          type: 'order.paid',
          aggregate_id: id,
          destination: 'delivery',
          path: '/api/v1/internal/events',
          status: 'pending',
        }),
      ]);
      expect(queued[0].payload).toMatchObject({
        type: 'order.paid',
        producer: 'order',
        subject: id,
        payload: {
          order_id: id,
          user_id: alice.id,
          payment_id: paymentId,
          total: 20,
          shipping_address: ADDRESS,
        },
      });
      expect(t.delivery.typesFor(id)).toEqual([]);

      await t.drainAll();
      // the fake checked the service key and the envelope against the catalogue
      expect(t.delivery.payloadsOf('order.paid', id)).toHaveLength(1);
      expect((await t.outbox(id)).map((m) => m.status)).toEqual(['delivered']);
      await t.drainAll();
      expect(t.delivery.payloadsOf('order.paid', id)).toHaveLength(1);
      const history = await events(id);
      expect(history.map((e) => e.type)).toEqual(['created', 'paid']);
      expect(history[1]).toMatchObject({ payment_id: paymentId });
    });

    it('an order without a shipping address: order.paid all the same, with null (delivery decides)', async () => {
      const product = await t.createProduct(10, 10);
      const id = await place(product, 1, false);
      await paymentApproved(id).expect(200);
      await t.drainAll();
      expect(t.delivery.payloadsOf('order.paid', id)).toEqual([
        expect.objectContaining({ order_id: id, shipping_address: null }),
      ]);
    });

    it('the same event twice, and 6 times at once: one status change, one order.paid', async () => {
      const product = await t.createProduct(10, 10);
      const id = await place(product, 1);
      const eventId = randomUUID();
      expect((await paymentApproved(id, eventId).expect(200)).body.status).toBe('applied');
      expect((await paymentApproved(id, eventId).expect(200)).body.status).toBe('duplicate');

      const other = await place(product, 1);
      const concurrentId = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => paymentApproved(other, concurrentId)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
      expect(answers.filter((a) => a.body.status === 'applied')).toHaveLength(1);

      // another approval for a paid order (a late fact): already reached, nothing new
      await paymentApproved(id).expect(200);

      await t.drainAll();
      for (const orderId of [id, other]) {
        expect((await events(orderId)).map((e) => e.type)).toEqual(['created', 'paid']);
        expect(await t.outbox(orderId)).toHaveLength(1);
        expect(t.delivery.payloadsOf('order.paid', orderId)).toHaveLength(1);
      }
    });

    it('if the change cannot commit, neither does order.paid, nor the inbox record: the event applies when it comes again', async () => {
      const product = await t.createProduct(10, 10);
      const id = await place(product, 1);
      const eventId = randomUUID();
      await failOutboxInserts(async () => {
        const res = await paymentApproved(id, eventId).expect(503);
        expect(res.body.type).toMatch(/event-not-applied-yet$/);
      });
      expect((await order(id)).status).toBe('creada');
      expect(await t.outbox(id)).toEqual([]);
      expect(
        await t.query('SELECT 1 FROM inbox_messages WHERE message_id = $1', [eventId]),
      ).toHaveLength(0);
      const retried = await paymentApproved(id, eventId).expect(200);
      expect(retried.body.status).toBe('applied');
      expect(await t.outbox(id)).toHaveLength(1);
    });
  });

  describe('cancel from creada → order.cancelled', () => {
    it('answers 200 cancelada at once; product gives the stock back when the relay delivers the event', async () => {
      const product = await t.createProduct(5, 10);
      const id = await place(product, 4);
      expect(await t.stockOf(product)).toBe(6);
      const res = await cancel(id).expect(200);
      expect(res.body.status).toBe('cancelada');
      const queued = await t.outbox(id);
      expect(queued.map((m) => [m.type, m.destination, m.status])).toEqual([
        ['order.cancelled', 'product', 'pending'],
        ['order.cancelled', 'payment', 'pending'],
        ['order.cancelled', 'delivery', 'pending'],
      ]);
      // one event, one envelope id, to every subscriber
      expect(new Set(queued.map((m) => m.payload.id)).size).toBe(1);
      expect(queued[0].payload.payload).toEqual({
        order_id: id,
        user_id: alice.id,
        cause: 'cancelled by the customer',
      });
      expect(await t.stockOf(product)).toBe(6);
      await t.drainAll();
      expect(await t.stockOf(product)).toBe(10);
      // payment and delivery hear of it too; each decides there is nothing to do
      expect(t.payment.typesFor(id)).toEqual(['order.cancelled']);
      expect(t.delivery.typesFor(id)).toEqual(['order.cancelled']);
    });

    it('if the cancel cannot commit, no event is queued and the order stays creada', async () => {
      const product = await t.createProduct(5, 10);
      const id = await place(product, 1);
      await failOutboxInserts(async () => {
        await cancel(id).expect(500);
      });
      expect((await events(id)).map((e) => e.type)).toEqual(['created']);
      expect(await t.outbox(id)).toEqual([]);
      await cancel(id).expect(200);
    });

    it('product service down at cancel time: still 200 cancelada; the event is retried and the stock comes back exactly once', async () => {
      const product = await t.createProduct(5, 10);
      const id = await place(product, 3);
      await t.stopProduct();
      try {
        const res = await cancel(id).expect(200);
        expect(res.body.status).toBe('cancelada');
        await t.drain();
        await waitForBackoff();
        await t.drain();
        const release = (await t.outbox(id)).find((m) => m.destination === 'product')!;
        expect(release).toMatchObject({ status: 'pending', last_error: 'unavailable' });
        expect(release.attempts).toBeGreaterThanOrEqual(2);
      } finally {
        await t.startProduct();
      }
      expect(await t.stockOf(product)).toBe(7);
      await waitForBackoff();
      await t.drainAll();
      expect((await t.outbox(id)).map((m) => m.status)).toEqual(Array(3).fill('delivered'));
      expect(await t.stockOf(product)).toBe(10);
    });
  });

  describe('cancel from pagada', () => {
    it('each subscriber gets order.cancelled once; stock after = stock before the order', async () => {
      const product = await t.createProduct(12.5, 20);
      const before = await t.stockOf(product);
      const id = await place(product, 5);
      await paymentApproved(id).expect(200);
      await t.drainAll();
      expect(await t.stockOf(product)).toBe(before - 5);

      await http().post(`${ORDERS}/${id}/cancel`).set(asAdmin()).expect(200);
      const queued = (await t.outbox(id)).filter((m) => m.status === 'pending');
      expect(queued.map((m) => [m.type, m.destination])).toEqual([
        ['order.cancelled', 'product'],
        ['order.cancelled', 'payment'],
        ['order.cancelled', 'delivery'],
      ]);
      await t.drainAll();
      expect(await t.stockOf(product)).toBe(before);
      expect(t.payment.payloadsOf('order.cancelled', id)).toEqual([
        { order_id: id, user_id: alice.id, cause: 'cancelled by an administrator' },
      ]);
      expect(t.delivery.typesFor(id)).toEqual(['order.paid', 'order.cancelled']);
      expect((await t.outbox(id)).map((m) => m.status)).toEqual(Array(4).fill('delivered'));
      expect((await events(id)).map((e) => e.type)).toEqual(['created', 'paid', 'cancelled']);
    });

    it('one order, one subscriber, in order: order.paid before order.cancelled, even when delivery fails at first', async () => {
      const product = await t.createProduct(3, 10);
      const id = await place(product, 1);
      t.delivery.mode = 'fail';
      await paymentApproved(id).expect(200);
      await cancel(id).expect(200);
      await t.drain();
      const toDelivery = () =>
        t.outbox(id).then((rows) => rows.filter((m) => m.destination === 'delivery'));
      // the head failed; the cancel behind it was not even tried
      const [paid, cancelled] = await toDelivery();
      expect(paid).toMatchObject({ type: 'order.paid', status: 'pending' });
      expect(paid.attempts).toBeGreaterThanOrEqual(1);
      expect(cancelled).toMatchObject({ type: 'order.cancelled', status: 'pending', attempts: 0 });
      // product and payment are other subscribers: not held back
      expect(t.payment.typesFor(id)).toEqual(['order.cancelled']);

      t.delivery.mode = 'ok';
      await waitForBackoff();
      await t.drainAll();
      expect(t.delivery.typesFor(id)).toEqual(['order.paid', 'order.cancelled']);
    });
  });

  describe('a subscriber failing', () => {
    it('503 → retried (pending in the admin list), then delivered once', async () => {
      const product = await t.createProduct(3, 10);
      const id = await place(product, 1);
      t.payment.mode = 'fail';
      await cancel(id).expect(200);
      await t.drain();

      const toPayment = (await t.outbox(id)).find((m) => m.destination === 'payment')!;
      expect(toPayment).toMatchObject({ status: 'pending', last_error: 'unavailable' });
      const pending = await http()
        .get('/api/v1/admin/outbox?status=pending&limit=100')
        .set(asAdmin())
        .expect(200);
      expect(pending.body.items).toContainEqual(
        expect.objectContaining({ id: toPayment.id, type: 'order.cancelled', status: 'pending' }),
      );
      // the other subscribers are not held back by payment
      expect(await t.stockOf(product)).toBe(10);

      t.payment.mode = 'ok';
      await waitForBackoff();
      await t.drainAll();
      expect(t.payment.typesFor(id)).toEqual(['order.cancelled']);
    });

    it('still failing after OUTBOX_MAX_ATTEMPTS → dead, listed for the admin; a re-drive delivers it once', async () => {
      const product = await t.createProduct(3, 10);
      const id = await place(product, 1);
      t.payment.mode = 'fail';
      await cancel(id).expect(200);
      const toPayment = async () => (await t.outbox(id)).find((m) => m.destination === 'payment')!;
      for (let pass = 0; pass < 10 && (await toPayment()).status !== 'dead'; pass++) {
        await t.drain();
        await waitForBackoff();
      }
      const dead = await toPayment();
      expect(dead).toMatchObject({ status: 'dead', attempts: 3, last_error: 'unavailable' });
      const list = await http().get('/api/v1/admin/outbox?status=dead').set(asAdmin()).expect(200);
      expect(list.body.items.map((m: { id: string }) => m.id)).toContain(dead.id);
      await http().get('/api/v1/admin/outbox').set(asAlice()).expect(403);

      t.payment.mode = 'ok';
      await http().post(`/api/v1/admin/outbox/${dead.id}/redrive`).set(asAdmin()).expect(200);
      await t.drainAll();
      expect(t.payment.typesFor(id)).toEqual(['order.cancelled']);
    });
  });

  describe('a payment approved after the order was cancelled from creada', () => {
    it('the order stays cancelled and states its cancellation again, so payment refunds it', async () => {
      const product = await t.createProduct(3, 10);
      const id = await place(product, 2);
      await cancel(id).expect(200);
      await t.drainAll();
      expect(t.payment.typesFor(id)).toEqual(['order.cancelled']);

      const eventId = randomUUID();
      await paymentApproved(id, eventId).expect(200);
      await paymentApproved(id, eventId).expect(200);
      expect((await order(id)).status).toBe('cancelada');
      await t.drainAll();
      // the restated cancellation reaches payment after the approval it answers
      expect(t.payment.payloadsOf('order.cancelled', id)).toEqual([
        { order_id: id, user_id: alice.id, cause: 'cancelled by the customer' },
        {
          order_id: id,
          user_id: alice.id,
          cause: 'payment approved after the order was cancelled',
        },
      ]);
      expect((await events(id)).map((e) => e.type)).toEqual(['created', 'cancelled']);
      // product released once (a second release changes nothing)
      expect(await t.stockOf(product)).toBe(10);
    });
  });

  describe('payment.refunded and order.validated: history entries that do not move the order', () => {
    it('appends one refunded event (twice delivered → once); the status stays cancelada', async () => {
      const product = await t.createProduct(3, 10);
      const id = await place(product, 1);
      await paymentApproved(id).expect(200);
      await cancel(id).expect(200);
      const eventId = randomUUID();
      const paymentId = randomUUID();
      const refunded = () =>
        t.sendEvent(
          'payment.refunded',
          { payment_id: paymentId, order_id: id, amount: 3 },
          { id: eventId },
        );
      expect((await refunded().expect(200)).body.status).toBe('applied');
      expect((await refunded().expect(200)).body.status).toBe('duplicate');

      const history = await events(id);
      expect(history.map((e) => [e.type, e.status])).toEqual([
        ['created', 'creada'],
        ['paid', 'pagada'],
        ['cancelled', 'cancelada'],
        ['refunded', 'cancelada'],
      ]);
      expect(history[3]).toMatchObject({ cause: 'payment refunded (3.00)', payment_id: paymentId });
      const rows = await t.query<OrderEvent>(
        `SELECT type, status FROM order_events WHERE order_id = $1 ORDER BY sequence`,
        [id],
      );
      expect(foldStatus(rows)).toBe('cancelada');
    });

    it('order.validated: the verdict in the history', async () => {
      const product = await t.createProduct(3, 10);
      const id = await place(product, 1);
      const validated_at = new Date().toISOString();
      await t
        .sendEvent('order.validated', { order_id: id, valid: true, errors: [], validated_at })
        .expect(200);
      await t
        .sendEvent('order.validated', {
          order_id: id,
          valid: false,
          errors: [{ code: 'product_not_found', message: 'gone', product_id: product }],
          validated_at,
        })
        .expect(200);
      const history = await events(id);
      expect(history.map((e) => [e.type, e.status, e.cause])).toEqual([
        ['created', 'creada', 'order placed'],
        ['validated', 'creada', 'validated: valid'],
        ['validated', 'creada', 'validated: invalid (product_not_found)'],
      ]);
    });

    it('refuses a payload off its contract (422), a wrong producer’s key (403), users (401); an unknown order is dead-lettered (422)', async () => {
      const product = await t.createProduct(3, 10);
      const id = await place(product, 1);
      const refund = { payment_id: randomUUID(), order_id: id, amount: 3 };
      const off = await t
        .sendEvent('payment.refunded', { ...refund, extra: 1 } as never)
        .expect(422);
      expect(off.body.detail).toMatch(/invalid_payload/);
      // delivery's valid key may post delivery's events only, not payment's
      await t.sendEvent('payment.refunded', refund, { key: DELIVERY_KEY }).expect(403);
      await http().post('/api/v1/internal/events').set(asAdmin()).send({}).expect(401);
      const unknown = await t
        .sendEvent('payment.refunded', { ...refund, order_id: randomUUID() })
        .expect(422);
      expect(unknown.body.detail).toMatch(/unknown_order/);
      expect((await events(id)).map((e) => e.type)).toEqual(['created']);
    });
  });

  describe('delivery facts', () => {
    async function paidOrder(): Promise<string> {
      const product = await t.createProduct(3, 10);
      const id = await place(product, 1);
      await paymentApproved(id).expect(200);
      return id;
    }
    const moved = (
      type: 'delivery.in_transit' | 'delivery.delivered',
      orderId: string,
      deliveryId: string,
      id = randomUUID(),
    ) => t.sendEvent(type, { delivery_id: deliveryId, order_id: orderId }, { id });

    it('in transit → enviada, delivered → entregada, with the delivery id', async () => {
      const id = await paidOrder();
      const deliveryId = randomUUID();
      await moved('delivery.in_transit', id, deliveryId).expect(200);
      expect((await order(id)).status).toBe('enviada');
      await moved('delivery.delivered', id, deliveryId).expect(200);
      expect((await order(id)).status).toBe('entregada');
      const history = await events(id);
      expect(history.map((e) => e.type)).toEqual(['created', 'paid', 'shipped', 'delivered']);
      expect(history[2]).toMatchObject({ delivery_id: deliveryId });
      // late: in transit again after delivered is a no-op
      await moved('delivery.in_transit', id, deliveryId).expect(200);
      expect((await order(id)).status).toBe('entregada');
    });

    it('delivered before in transit: not yet (503, nothing recorded); it applies once in transit came', async () => {
      const id = await paidOrder();
      const deliveryId = randomUUID();
      const early = randomUUID();
      const res = await moved('delivery.delivered', id, deliveryId, early).expect(503);
      expect(res.body.detail).toMatch(/order_not_caught_up/);
      expect((await order(id)).status).toBe('pagada');
      await moved('delivery.in_transit', id, deliveryId).expect(200);
      expect(
        (await moved('delivery.delivered', id, deliveryId, early).expect(200)).body.status,
      ).toBe('applied');
      expect((await order(id)).status).toBe('entregada');
    });

    it('in transit for a cancelled order is acknowledged and ignored (never dead-lettered): the order stays cancelled, its history unchanged', async () => {
      const id = await paidOrder();
      await cancel(id).expect(200);
      const before = await events(id);
      const res = await moved('delivery.in_transit', id, randomUUID()).expect(200);
      expect(res.body).toEqual({ status: 'applied' });
      expect((await order(id)).status).toBe('cancelada');
      expect(await events(id)).toEqual(before);
      expect((await t.outbox(id)).filter((m) => m.status === 'dead')).toEqual([]);
      // and payment may not claim delivery facts
      await t
        .sendEvent(
          'delivery.in_transit',
          { delivery_id: randomUUID(), order_id: id },
          { key: PAYMENT_KEY },
        )
        .expect(403);
    });
  });

  /** Makes every INSERT into outbox_messages fail while `work` runs (a failing transaction). */
  async function failOutboxInserts(work: () => Promise<void>): Promise<void> {
    await t.query(`CREATE OR REPLACE FUNCTION test_fail_outbox() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'outbox insert failed (test)'; END $$ LANGUAGE plpgsql`);
    await t.query(`CREATE TRIGGER test_fail_outbox BEFORE INSERT ON outbox_messages
      FOR EACH ROW EXECUTE FUNCTION test_fail_outbox()`);
    try {
      await work();
    } finally {
      await t.query(`DROP TRIGGER test_fail_outbox ON outbox_messages`);
    }
  }
});

describe('order events with the relay running on its own (as in production)', () => {
  let t: OrderTestApp;

  beforeAll(async () => {
    t = await startOrderTestApp({
      orderEnv: { OUTBOX_RELAY_ENABLED: 'true', OUTBOX_POLL_INTERVAL_MS: '20' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a cancelled paid order: product, payment and delivery hear of it without anyone draining', async () => {
    const alice = await t.customer();
    const product = await t.createProduct(2, 10);
    const placed = await request(t.app.getHttpServer())
      .post(ORDERS)
      .set('Authorization', `Bearer ${alice.token}`)
      .send({
        user_id: alice.id,
        items: [{ product_id: product, quantity: 4 }],
        shipping_address: ADDRESS,
      })
      .expect(201);
    const id = placed.body.id;
    await t
      .sendEvent('payment.approved', { payment_id: randomUUID(), order_id: id, amount: 8 })
      .expect(200);
    await request(t.app.getHttpServer())
      .post(`${ORDERS}/${id}/cancel`)
      .set('Authorization', `Bearer ${alice.token}`)
      .expect(200);

    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const rows = await t.outbox(id);
      if (rows.length === 4 && rows.every((m) => m.status === 'delivered')) break;
      await sleep(25);
    }
    expect((await t.outbox(id)).map((m) => m.status)).toEqual(Array(4).fill('delivered'));
    expect(await t.stockOf(product)).toBe(10);
    expect(t.payment.typesFor(id)).toEqual(['order.cancelled']);
    expect(t.delivery.typesFor(id)).toEqual(['order.paid', 'order.cancelled']);
  });
});
