import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  CARDS,
  Customer,
  DELIVERY_KEY,
  ORDER_KEY,
  PaymentTestApp,
  bearer,
  card,
  startPaymentTestApp,
} from './payment-test-app';

const problemType = (code: string) => `https://nest-commerce.dev/problems/${code}`;

describe('refunds (e2e)', () => {
  let t: PaymentTestApp;
  let alice: Customer;

  const refund = (paymentId: string, token = t.adminToken) =>
    t.http().post(`/api/v1/payments/${paymentId}/refund`).set(bearer(token));
  const statusOf = async (paymentId: string) =>
    (await t.http().get(`/api/v1/payments/${paymentId}`).set(bearer(t.adminToken)).expect(200)).body
      .status as string;
  const refundedEvents = async (orderId: string) =>
    (await t.paymentOutbox(orderId)).filter((m) => m.type === 'payment.refunded');

  beforeAll(async () => {
    t = await startPaymentTestApp();
    alice = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('admin refunds an approved payment: reembolsado, once; payment.refunded; the order history records it', async () => {
    const order = await t.placeOrder(alice, 15, 2);
    const paid = await t.pay(order).expect(201);
    await t.drainPayment();

    const res = await refund(paid.body.id).expect(200);
    expect(res.body).toMatchObject({ id: paid.body.id, status: 'reembolsado' });
    expect(res.body.refund_reference).toMatch(/^sim_re_/);

    const again = await refund(paid.body.id).expect(409);
    expect(again.body).toMatchObject({
      type: problemType('payment-not-refundable'),
      current_status: 'reembolsado',
    });

    const [event] = await refundedEvents(order.id);
    expect(event.payload.payload).toEqual({
      payment_id: paid.body.id,
      order_id: order.id,
      amount: 30,
    });
    expect(await t.drainPayment()).toBe(1);
    const events = await t.orderEvents(order.id);
    const refunded = events.filter((e) => e.type === 'refunded');
    expect(refunded).toHaveLength(1);
    expect(refunded[0]).toMatchObject({
      payment_id: paid.body.id,
      cause: 'payment refunded (30.00)',
    });
    // a refunded order is not paid again: its charge is on record (409)
    expect((await t.pay(order).expect(409)).body.type).toBe(problemType('order-already-paid'));
  });

  it('only aprobado is refundable (409), only admin refunds (403), unknown 404', async () => {
    const order = await t.placeOrder(alice, 4, 1);
    const declined = await t.pay(order, { card: card(CARDS.declined) }).expect(201);
    const res = await refund(declined.body.id).expect(409);
    expect(res.body.current_status).toBe('rechazado');
    await refund(declined.body.id, alice.token).expect(403);
    await refund(randomUUID()).expect(404);
  });

  it('concurrent admin refunds move the money back once', async () => {
    const order = await t.placeOrder(alice, 6, 1);
    const paid = await t.pay(order).expect(201);
    const answers = await Promise.all(Array.from({ length: 5 }, () => refund(paid.body.id)));
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    const refs = new Set(
      answers.filter((a) => a.status === 200).map((a) => a.body.refund_reference),
    );
    expect(refs.size).toBe(1);
    expect(await refundedEvents(order.id)).toHaveLength(1);
  });

  describe('order.cancelled', () => {
    it('refunds the approved payment; the same event again is a duplicate, another cancellation finds it refunded', async () => {
      const order = await t.placeOrder(alice, 9.99, 1);
      const paid = await t.pay(order).expect(201);
      const eventId = randomUUID();
      expect((await t.sendCancelled(order.id, eventId).expect(200)).body.status).toBe('applied');
      expect(await statusOf(paid.body.id)).toBe('reembolsado');
      expect((await t.sendCancelled(order.id, eventId).expect(200)).body.status).toBe('duplicate');
      expect((await t.sendCancelled(order.id).expect(200)).body.status).toBe('applied');
      expect(
        await t.query('SELECT 1 FROM inbox_messages WHERE message_id = $1', [eventId]),
      ).toHaveLength(1);
      expect(await refundedEvents(order.id)).toHaveLength(1);
    });

    it('the same event delivered 8 times at once: one refund', async () => {
      const order = await t.placeOrder(alice, 2, 1);
      await t.pay(order).expect(201);
      const eventId = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => t.sendCancelled(order.id, eventId)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
      expect(answers.filter((a) => a.body.status === 'applied')).toHaveLength(1);
      expect(await refundedEvents(order.id)).toHaveLength(1);
    });

    it('no approved payment (declined, or none at all): done, nothing refunded', async () => {
      const order = await t.placeOrder(alice, 3, 1);
      const declined = await t.pay(order, { card: card(CARDS.declined) }).expect(201);
      await t.sendCancelled(order.id).expect(200);
      expect(await statusOf(declined.body.id)).toBe('rechazado');
      await t.sendCancelled(randomUUID()).expect(200);
      expect(await refundedEvents(order.id)).toEqual([]);
    });

    it('the events endpoint wants the order service’s key (another’s is unknown here: 401) and an envelope of the catalogue', async () => {
      const orderId = randomUUID();
      const envelope = {
        id: randomUUID(),
        type: 'order.cancelled',
        version: 1,
        occurred_at: new Date().toISOString(),
        producer: 'order',
        subject: orderId,
        payload: { order_id: orderId, user_id: randomUUID(), cause: 'x' },
      };
      await t.http().post('/api/v1/internal/events').send(envelope).expect(401);
      await t
        .http()
        .post('/api/v1/internal/events')
        .set('X-Service-Key', DELIVERY_KEY)
        .send(envelope)
        .expect(401);
      const bad = await t
        .http()
        .post('/api/v1/internal/events')
        .set('X-Service-Key', ORDER_KEY)
        .send({ ...envelope, payload: { ...envelope.payload, extra: 1 } })
        .expect(422);
      expect(bad.body.detail).toMatch(/invalid_payload/);
    });

    it('duplicated and shuffled cancellations (stated, restated) refund once, as in order (generated)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
          async (copies, keys) => {
            const order = await t.placeOrder(alice, 1.5, 1);
            const paid = await t.pay(order).expect(201);
            const ids = [randomUUID(), randomUUID()];
            const causes = [
              'cancelled by the customer',
              'payment approved after the order was cancelled',
            ];
            const deliveries = [0, 1].flatMap((n) => Array<number>(copies[n]).fill(n));
            const shuffled = deliveries
              .map((n, i) => ({ n, key: keys[i % keys.length] * 10 + i }))
              .sort((a, b) => a.key - b.key);
            for (const { n } of shuffled) {
              await t.sendCancelled(order.id, ids[n], causes[n]).expect(200);
            }
            expect(await statusOf(paid.body.id)).toBe('reembolsado');
            expect(await refundedEvents(order.id)).toHaveLength(1);
          },
        ),
        { numRuns: 15 },
      );
    });
  });

  it('cancelling a paid order at the order service: order.cancelled reaches payment, the payment is reembolsado, the order records it', async () => {
    const order = await t.placeOrder(alice, 12, 2);
    const paid = await t.pay(order).expect(201);
    expect(await t.drainPayment()).toBeGreaterThanOrEqual(1);
    expect((await t.orderOf(order.id)).status).toBe('pagada');

    await t
      .orderHttp()
      .post(`/api/v1/orders/${order.id}/cancel`)
      .set(bearer(alice.token))
      .expect(200);
    await t.drainOrder();
    expect(await statusOf(paid.body.id)).toBe('reembolsado');

    expect(await t.drainPayment()).toBeGreaterThanOrEqual(1);
    const events = await t.orderEvents(order.id);
    expect(events.map((e) => e.type)).toEqual(['created', 'paid', 'cancelled', 'refunded']);
    expect((await t.orderOf(order.id)).status).toBe('cancelada');
  });

  it('a payment approved after the order was cancelled is refunded: the order restates its cancellation', async () => {
    const order = await t.placeOrder(alice, 7, 1);
    // the gateway does not answer: pendiente, the order still creada
    const pending = await t.pay(order, { card: card(CARDS.timeout) }).expect(202);
    await t
      .orderHttp()
      .post(`/api/v1/orders/${order.id}/cancel`)
      .set(bearer(alice.token))
      .expect(200);
    // payment hears of the cancellation while the payment is still pending: nothing to refund
    await t.drainOrder();
    expect(await statusOf(pending.body.id)).toBe('pendiente');

    // the gateway charged after all: approved, payment.approved to the order...
    expect(await t.reconcile({ minAgeMs: 0 })).toMatchObject({ approved: 1 });
    await t.drainPayment();
    expect((await t.orderOf(order.id)).status).toBe('cancelada');
    // ... which states its cancellation again: payment refunds the payment it approved
    await t.drainOrder();
    expect(await statusOf(pending.body.id)).toBe('reembolsado');
    await t.drainPayment();
    const events = await t.orderEvents(order.id);
    expect(events.map((e) => e.type)).toEqual(['created', 'cancelled', 'refunded']);
  });
});
