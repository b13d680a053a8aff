import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { MESSAGE_PATHS, MESSAGE_TYPES } from '@app/contracts';
import { foldStatus } from '../src/domain/entities/order-history';
import { OrderEvent } from '../src/domain/entities/order-event';
import {
  Customer,
  DELIVERY_KEY,
  ORDER_KEY,
  OrderTestApp,
  PAYMENT_KEY,
  startOrderTestApp,
} from './order-test-app';

const ORDERS = '/api/v1/orders';
const INTERNAL = '/api/v1/internal/orders';
const ADDRESS = { street: 'Calle Mayor 1', city: 'Madrid', postal_code: '28013', country: 'ES' };
const CREATE_DELIVERY = MESSAGE_PATHS.createDelivery();
const CANCEL_DELIVERY = MESSAGE_PATHS.cancelDelivery();
const REFUND = MESSAGE_PATHS.refundPayment();

/**
 * Retries due 150-300 ms after a failure: long enough that one relay pass (drain) never tries
 * a message twice, so the attempts are exact; waitForBackoff makes a failed message due again.
 */
const BACKOFF = { OUTBOX_BACKOFF_BASE_MS: '200', OUTBOX_BACKOFF_MAX_MS: '300' };
const waitForBackoff = () => sleep(320);

describe('order outbox: what the order tells product, delivery and payment (e2e)', () => {
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

  /** The payment service's message (through its outbox): payment approved → pagada. */
  function paymentApproved(orderId: string, messageId = randomUUID()) {
    return http().post(`${INTERNAL}/${orderId}/status`).set('X-Service-Key', PAYMENT_KEY).send({
      message_id: messageId,
      status: 'pagada',
      cause: 'payment approved',
      payment_id: randomUUID(),
    });
  }

  function cancel(orderId: string) {
    return http().post(`${ORDERS}/${orderId}/cancel`).set(asAlice());
  }

  async function events(orderId: string): Promise<OrderEvent[]> {
    const res = await http().get(`${ORDERS}/${orderId}/events`).set(asAlice()).expect(200);
    return res.body;
  }

  const forOrder = (bodies: Array<Record<string, unknown>>, orderId: string) =>
    bodies.filter((b) => b.order_id === orderId);

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
    t.payment.mode = 'ok';
    await t.drainAll();
  });

  describe('payment approved → pagada → delivery created', () => {
    it('the status change and the delivery message commit together; the relay delivers it once, with the address', async () => {
      const product = await t.createProduct(10, 10);
      const id = await place(product, 2);
      const res = await paymentApproved(id).expect(200);
      expect(res.headers['x-status-change']).toBe('applied');
      expect(res.body.status).toBe('pagada');

      // written with the change, before anyone relays it
      const queued = await t.outbox(id);
      expect(queued).toEqual([
        expect.objectContaining({
          type: MESSAGE_TYPES.orderPaid,
          aggregate_id: id,
          destination: 'delivery',
          path: CREATE_DELIVERY,
          status: 'pending',
          payload: { order_id: id, user_id: alice.id, address: ADDRESS },
        }),
      ]);
      expect(t.delivery.bodiesOf(CREATE_DELIVERY)).toHaveLength(0);

      await t.drainAll();
      // the fake checked the service key (ORDER_KEY) and the body against CreateDeliveryMessageDto
      expect(forOrder(t.delivery.bodiesOf(CREATE_DELIVERY), id)).toEqual([
        { order_id: id, user_id: alice.id, address: ADDRESS, message_id: queued[0].id },
      ]);
      expect((await t.outbox(id)).map((m) => m.status)).toEqual(['delivered']);
      await t.drainAll();
      expect(forOrder(t.delivery.bodiesOf(CREATE_DELIVERY), id)).toHaveLength(1);
    });

    it('an order without a shipping address sends nothing', async () => {
      const product = await t.createProduct(10, 10);
      const id = await place(product, 1, false);
      await paymentApproved(id).expect(200);
      expect(await t.outbox(id)).toEqual([]);
      await t.drainAll();
      expect(
        forOrder(
          t.delivery.received.map((m) => m.body),
          id,
        ),
      ).toEqual([]);
    });

    it('the same payment message delivered twice, and 6 times at once: one status change, one delivery message', async () => {
      const product = await t.createProduct(10, 10);
      const id = await place(product, 1);
      const messageId = randomUUID();
      await paymentApproved(id, messageId).expect(200);
      const again = await paymentApproved(id, messageId).expect(200);
      expect(again.headers['x-status-change']).toBe('duplicate');

      const other = await place(product, 1);
      const concurrentId = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => paymentApproved(other, concurrentId)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
      expect(answers.filter((a) => a.headers['x-status-change'] === 'applied')).toHaveLength(1);

      // a second payment message with another id for a paid order: already reached, no message
      const late = await paymentApproved(id).expect(200);
      expect(late.headers['x-status-change']).toBe('already_reached');

      await t.drainAll();
      for (const orderId of [id, other]) {
        expect((await events(orderId)).map((e) => e.type)).toEqual(['created', 'paid']);
        expect(await t.outbox(orderId)).toHaveLength(1);
        expect(forOrder(t.delivery.bodiesOf(CREATE_DELIVERY), orderId)).toHaveLength(1);
      }
    });

    it('if the change cannot commit, neither does the message (and the payment message is not recorded, so it is retried)', async () => {
      const product = await t.createProduct(10, 10);
      const id = await place(product, 1);
      const messageId = randomUUID();
      await failOutboxInserts(async () => {
        await paymentApproved(id, messageId).expect(500);
      });
      const [row] = await t.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [
        id,
      ]);
      expect(row.status).toBe('creada');
      expect(await t.outbox(id)).toEqual([]);
      expect(
        await t.query('SELECT 1 FROM processed_messages WHERE message_id = $1', [messageId]),
      ).toHaveLength(0);
      // the sender's retry of the same message succeeds
      const retried = await paymentApproved(id, messageId).expect(200);
      expect(retried.headers['x-status-change']).toBe('applied');
      expect(await t.outbox(id)).toHaveLength(1);
    });
  });

  describe('cancel from creada → stock released', () => {
    it('answers 200 cancelada at once; the stock comes back when the relay delivers the release', async () => {
      const product = await t.createProduct(5, 10);
      const id = await place(product, 4);
      expect(await t.stockOf(product)).toBe(6);
      const res = await cancel(id).expect(200);
      expect(res.body.status).toBe('cancelada');
      expect(await t.outbox(id)).toEqual([
        expect.objectContaining({
          type: MESSAGE_TYPES.orderCancelled,
          aggregate_id: id,
          destination: 'product',
          path: MESSAGE_PATHS.releaseStock(id),
          payload: {},
          status: 'pending',
        }),
      ]);
      expect(await t.stockOf(product)).toBe(6);
      await t.drainAll();
      expect(await t.stockOf(product)).toBe(10);
      // nothing to refund or to stop for an order that was never paid
      expect(
        forOrder(
          t.payment.received.map((m) => m.body),
          id,
        ),
      ).toEqual([]);
      expect(
        forOrder(
          t.delivery.received.map((m) => m.body),
          id,
        ),
      ).toEqual([]);
    });

    it('if the cancel cannot commit, no release is queued and the order stays creada', async () => {
      const product = await t.createProduct(5, 10);
      const id = await place(product, 1);
      await failOutboxInserts(async () => {
        await cancel(id).expect(500);
      });
      expect((await events(id)).map((e) => e.type)).toEqual(['created']);
      expect(await t.outbox(id)).toEqual([]);
      await cancel(id).expect(200);
    });

    it('product service down at cancel time: still 200 cancelada; the release is retried and the stock comes back exactly once when it is back', async () => {
      const product = await t.createProduct(5, 10);
      const id = await place(product, 3);
      await t.stopProduct();
      try {
        const res = await cancel(id).expect(200);
        expect(res.body.status).toBe('cancelada');
        await t.drain();
        await waitForBackoff();
        await t.drain();
        const [release] = await t.outbox(id);
        expect(release).toMatchObject({ status: 'pending', last_error: 'unavailable' });
        expect(release.attempts).toBeGreaterThanOrEqual(2);
      } finally {
        await t.startProduct();
      }
      expect(await t.stockOf(product)).toBe(7);
      await waitForBackoff();
      await t.drainAll();
      expect(await t.outbox(id)).toEqual([
        expect.objectContaining({ status: 'delivered', last_error: null }),
      ]);
      expect(await t.stockOf(product)).toBe(10);
      // a redelivery (or any later release) gives nothing back twice
      await request(t.productUrl)
        .post(MESSAGE_PATHS.releaseStock(id))
        .set('X-Service-Key', ORDER_KEY)
        .send({ message_id: randomUUID() })
        .expect(200);
      await t.drainAll();
      expect(await t.stockOf(product)).toBe(10);
    });
  });

  describe('cancel from pagada → stock released, payment refunded, pending delivery cancelled', () => {
    it('each receiver gets its message once; stock after = stock before the order', async () => {
      const product = await t.createProduct(12.5, 20);
      const before = await t.stockOf(product);
      const id = await place(product, 5);
      await paymentApproved(id).expect(200);
      await t.drainAll();
      expect(forOrder(t.delivery.bodiesOf(CREATE_DELIVERY), id)).toHaveLength(1);
      expect(await t.stockOf(product)).toBe(before - 5);

      const res = await cancel(id).expect(200);
      expect(res.body.status).toBe('cancelada');
      const queued = (await t.outbox(id)).filter((m) => m.status === 'pending');
      expect(queued.map((m) => [m.type, m.destination, m.path, m.payload])).toEqual([
        [MESSAGE_TYPES.orderCancelled, 'product', MESSAGE_PATHS.releaseStock(id), {}],
        [
          MESSAGE_TYPES.orderCancelled,
          'payment',
          REFUND,
          { order_id: id, cause: 'cancelled by the customer' },
        ],
        [
          MESSAGE_TYPES.orderCancelled,
          'delivery',
          CANCEL_DELIVERY,
          { order_id: id, cause: 'cancelled by the customer' },
        ],
      ]);
      expect(queued.every((m) => m.aggregate_id === id)).toBe(true);

      await t.drainAll();
      await t.drainAll();
      expect(await t.stockOf(product)).toBe(before);
      expect(forOrder(t.payment.bodiesOf(REFUND), id)).toEqual([
        { order_id: id, cause: 'cancelled by the customer', message_id: queued[1].id },
      ]);
      expect(forOrder(t.delivery.bodiesOf(CANCEL_DELIVERY), id)).toEqual([
        { order_id: id, cause: 'cancelled by the customer', message_id: queued[2].id },
      ]);
      expect((await t.outbox(id)).map((m) => m.status)).toEqual(Array(4).fill('delivered'));
      const history = await events(id);
      expect(history.map((e) => e.type)).toEqual(['created', 'paid', 'cancelled']);
    });

    it('an admin cancel says so in the refund and delivery messages', async () => {
      const product = await t.createProduct(3, 10);
      const id = await place(product, 1, false);
      await paymentApproved(id).expect(200);
      await http().post(`${ORDERS}/${id}/cancel`).set(asAdmin()).expect(200);
      const payloads = (await t.outbox(id)).map((m) => m.payload);
      expect(payloads).toEqual([
        {},
        { order_id: id, cause: 'cancelled by an administrator' },
        { order_id: id, cause: 'cancelled by an administrator' },
      ]);
    });

    it('one order, one receiver, in order: the delivery is created before it is cancelled, even when delivery fails at first', async () => {
      const product = await t.createProduct(3, 10);
      const id = await place(product, 1);
      t.delivery.mode = 'fail';
      await paymentApproved(id).expect(200);
      await cancel(id).expect(200);
      await t.drain();
      const toDelivery = () =>
        t.outbox(id).then((rows) => rows.filter((m) => m.destination === 'delivery'));
      // the head failed; the cancel behind it was not even tried
      const [create, cancelled] = await toDelivery();
      expect(create).toMatchObject({ path: CREATE_DELIVERY, status: 'pending' });
      expect(create.attempts).toBeGreaterThanOrEqual(1);
      expect(cancelled).toMatchObject({ path: CANCEL_DELIVERY, status: 'pending', attempts: 0 });
      // product and payment are other receivers: not held back
      expect(forOrder(t.payment.bodiesOf(REFUND), id)).toHaveLength(1);

      t.delivery.mode = 'ok';
      await waitForBackoff();
      await t.drainAll();
      const paths = t.delivery.received.filter((m) => m.body.order_id === id).map((m) => m.path);
      expect(paths).toEqual([CREATE_DELIVERY, CANCEL_DELIVERY]);
    });

    it('stock + reserved always adds up: 3 orders paid and cancelled, 1 kept', async () => {
      const product = await t.createProduct(1, 30);
      const ids = [await place(product, 4), await place(product, 5), await place(product, 6)];
      const kept = await place(product, 7);
      for (const id of [...ids, kept]) await paymentApproved(id).expect(200);
      await Promise.all(ids.map((id) => cancel(id).expect(200)));
      await t.drainAll();
      expect(await t.stockOf(product)).toBe(30 - 7);
      for (const id of ids) {
        expect(forOrder(t.payment.bodiesOf(REFUND), id)).toHaveLength(1);
        expect(forOrder(t.delivery.bodiesOf(CANCEL_DELIVERY), id)).toHaveLength(1);
      }
      expect(forOrder(t.payment.bodiesOf(REFUND), kept)).toHaveLength(0);
    });
  });

  describe('a receiver failing', () => {
    it('500 → retried (pending in the admin list), then delivered once', async () => {
      const product = await t.createProduct(3, 10);
      const id = await place(product, 1);
      await paymentApproved(id).expect(200);
      t.payment.mode = 'fail';
      await cancel(id).expect(200);
      await t.drain();

      const refund = (await t.outbox(id)).find((m) => m.destination === 'payment')!;
      expect(refund).toMatchObject({ status: 'pending', last_error: 'unavailable' });
      expect(refund.attempts).toBeGreaterThanOrEqual(1);
      const pending = await http()
        .get('/api/v1/admin/outbox?status=pending&limit=100')
        .set(asAdmin())
        .expect(200);
      expect(pending.body.items).toContainEqual(
        expect.objectContaining({
          id: refund.id,
          type: MESSAGE_TYPES.orderCancelled,
          aggregate_id: id,
          destination: 'payment',
          status: 'pending',
          last_error: 'unavailable',
        }),
      );
      // the other receivers are not held back by payment
      expect(await t.stockOf(product)).toBe(10);

      t.payment.mode = 'ok';
      await waitForBackoff();
      await t.drainAll();
      expect(forOrder(t.payment.bodiesOf(REFUND), id)).toHaveLength(1);
      const delivered = (await t.outbox(id)).find((m) => m.id === refund.id)!;
      expect(delivered).toMatchObject({ status: 'delivered', last_error: null });
      expect(delivered.attempts).toBeGreaterThan(refund.attempts);
    });

    it('still failing after OUTBOX_MAX_ATTEMPTS → dead, listed for the admin; a re-drive delivers it once', async () => {
      const product = await t.createProduct(3, 10);
      const id = await place(product, 1);
      await paymentApproved(id).expect(200);
      t.payment.mode = 'fail';
      await cancel(id).expect(200);
      const refundOf = async () => (await t.outbox(id)).find((m) => m.destination === 'payment')!;
      for (let pass = 0; pass < 10 && (await refundOf()).status !== 'dead'; pass++) {
        await t.drain();
        await waitForBackoff();
      }
      const refund = await refundOf();
      expect(refund).toMatchObject({ status: 'dead', attempts: 3, last_error: 'unavailable' });
      const dead = await http().get('/api/v1/admin/outbox?status=dead').set(asAdmin()).expect(200);
      expect(dead.body.items.map((m: { id: string }) => m.id)).toContain(refund.id);
      // customers do not see the outbox
      await http().get('/api/v1/admin/outbox').set(asAlice()).expect(403);

      t.payment.mode = 'ok';
      await http().post(`/api/v1/admin/outbox/${refund.id}/redrive`).set(asAdmin()).expect(200);
      await t.drainAll();
      expect(forOrder(t.payment.bodiesOf(REFUND), id)).toHaveLength(1);
      expect((await t.outbox(id)).map((m) => m.status)).toEqual(Array(4).fill('delivered'));
    });
  });

  describe('a payment approved after the order was cancelled from creada', () => {
    it('is acknowledged, the order stays cancelled, and the payment is refunded once', async () => {
      const product = await t.createProduct(3, 10);
      const id = await place(product, 2);
      await cancel(id).expect(200);
      const messageId = randomUUID();
      const res = await paymentApproved(id, messageId).expect(200);
      expect(res.headers['x-status-change']).toBe('refund_requested');
      expect(res.body.status).toBe('cancelada');
      await paymentApproved(id, messageId).expect(200);
      await t.drainAll();
      expect(forOrder(t.payment.bodiesOf(REFUND), id)).toEqual([
        {
          order_id: id,
          cause: 'payment approved after the order was cancelled',
          message_id: expect.any(String),
        },
      ]);
      expect(
        forOrder(
          t.delivery.received.map((m) => m.body),
          id,
        ),
      ).toEqual([]);
      expect(await t.stockOf(product)).toBe(10);
    });
  });

  describe('refunded, reported by payment (POST /internal/orders/{id}/events)', () => {
    function refunded(orderId: string, messageId = randomUUID(), extra: object = {}) {
      return http()
        .post(`${INTERNAL}/${orderId}/events`)
        .set('X-Service-Key', PAYMENT_KEY)
        .send({
          message_id: messageId,
          type: 'refunded',
          cause: 'refund of a cancelled order',
          ...extra,
        });
    }

    it('appends one refunded event (twice delivered → once); the status stays cancelada', async () => {
      const product = await t.createProduct(3, 10);
      const id = await place(product, 1);
      await paymentApproved(id).expect(200);
      await cancel(id).expect(200);
      const messageId = randomUUID();
      const paymentId = randomUUID();
      const first = await refunded(id, messageId, { payment_id: paymentId }).expect(200);
      expect(first.headers['x-order-event']).toBe('recorded');
      expect(first.body.status).toBe('cancelada');
      const again = await refunded(id, messageId, { payment_id: paymentId }).expect(200);
      expect(again.headers['x-order-event']).toBe('duplicate');

      const history = await events(id);
      expect(history.map((e) => [e.type, e.status])).toEqual([
        ['created', 'creada'],
        ['paid', 'pagada'],
        ['cancelled', 'cancelada'],
        ['refunded', 'cancelada'],
      ]);
      expect(history[3]).toMatchObject({
        cause: 'refund of a cancelled order',
        payment_id: paymentId,
      });
      const rows = await t.query<OrderEvent>(
        `SELECT type, status FROM order_events WHERE order_id = $1 ORDER BY sequence`,
        [id],
      );
      expect(foldStatus(rows)).toBe('cancelada');
    });

    it('refuses other types (400), a message id of another order (422), users (401), unknown orders (404)', async () => {
      const product = await t.createProduct(3, 10);
      const a = await place(product, 1);
      const b = await place(product, 1);
      await refunded(a, randomUUID(), { type: 'paid' }).expect(400);
      await refunded(a, randomUUID(), { extra: 1 }).expect(400);
      const messageId = randomUUID();
      await refunded(a, messageId).expect(200);
      const reused = await refunded(b, messageId).expect(422);
      expect(reused.body.type).toBe('https://nest-commerce.dev/problems/message-id-reused');
      await http()
        .post(`${INTERNAL}/${a}/events`)
        .set(asAdmin())
        .send({ message_id: randomUUID(), type: 'refunded', cause: 'x' })
        .expect(401);
      await refunded(randomUUID()).expect(404);
      // only payment reports refunds: delivery's valid key is refused, nothing is recorded
      await http()
        .post(`${INTERNAL}/${b}/events`)
        .set('X-Service-Key', DELIVERY_KEY)
        .send({ message_id: randomUUID(), type: 'refunded', cause: 'x' })
        .expect(403);
      expect((await events(b)).map((e) => e.status)).toEqual(['creada']);
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

describe('order outbox with the relay running on its own (as in production)', () => {
  let t: OrderTestApp;

  beforeAll(async () => {
    t = await startOrderTestApp({
      orderEnv: { OUTBOX_RELAY_ENABLED: 'true', OUTBOX_POLL_INTERVAL_MS: '20' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a cancelled paid order: stock, refund and delivery cancel arrive without anyone draining', async () => {
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
    await request(t.app.getHttpServer())
      .post(`${INTERNAL}/${id}/status`)
      .set('X-Service-Key', PAYMENT_KEY)
      .send({ message_id: randomUUID(), status: 'pagada', cause: 'payment approved' })
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
    expect(t.payment.bodiesOf(REFUND)).toHaveLength(1);
    expect(t.delivery.received.map((m) => m.path)).toEqual([CREATE_DELIVERY, CANCEL_DELIVERY]);
  });
});
