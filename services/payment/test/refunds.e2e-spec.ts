import { randomUUID } from 'node:crypto';
import {
  CARDS,
  Customer,
  ORDER_KEY,
  PaymentTestApp,
  bearer,
  card,
  startPaymentTestApp,
} from './payment-test-app';

const problemType = (code: string) => `https://nest-commerce.dev/problems/${code}`;
const REFUNDS = '/api/v1/internal/payments/refunds';

describe('refunds (e2e)', () => {
  let t: PaymentTestApp;
  let alice: Customer;

  const refund = (paymentId: string, token = t.adminToken) =>
    t.http().post(`/api/v1/payments/${paymentId}/refund`).set(bearer(token));
  const refundMessage = (orderId: string, messageId = randomUUID()) =>
    t
      .http()
      .post(REFUNDS)
      .set('X-Service-Key', ORDER_KEY)
      .send({ message_id: messageId, order_id: orderId, cause: 'order cancelled by its owner' });

  beforeAll(async () => {
    t = await startPaymentTestApp();
    alice = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('admin refunds an approved payment: reembolsado, once; the order history records it', async () => {
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

    expect(await t.drainPayment()).toBe(1);
    const events = await t.orderEvents(order.id);
    const refunded = events.filter((e) => e.type === 'refunded');
    expect(refunded).toHaveLength(1);
    expect(refunded[0]).toMatchObject({
      payment_id: paid.body.id,
      cause: 'payment refunded by an administrator',
    });
    // a refunded order is not paid again
    expect((await t.pay(order).expect(422)).body.type).toBe(problemType('order-not-payable'));
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
    const outbox = await t.paymentOutbox(order.id);
    expect(outbox.filter((m) => m.type === 'payment.refunded')).toHaveLength(1);
  });

  it('the order service’s refund message, sent twice: applied once', async () => {
    const order = await t.placeOrder(alice, 9.99, 1);
    const paid = await t.pay(order).expect(201);
    const messageId = randomUUID();
    const first = await refundMessage(order.id, messageId).expect(200);
    expect(first.body).toMatchObject({
      message_id: messageId,
      order_id: order.id,
      outcome: 'refunded',
      payment: { id: paid.body.id, status: 'reembolsado' },
    });
    const second = await refundMessage(order.id, messageId).expect(200);
    expect(second.body.outcome).toBe('duplicate');
    const other = await refundMessage(order.id).expect(200);
    expect(other.body.outcome).toBe('already_refunded');
    expect(
      await t.query('SELECT 1 FROM inbox_messages WHERE message_id = $1', [messageId]),
    ).toHaveLength(1);
    const refunds = (await t.paymentOutbox(order.id)).filter((m) => m.type === 'payment.refunded');
    expect(refunds).toHaveLength(1);
    expect(refunds[0].payload).toMatchObject({
      type: 'refunded',
      payment_id: paid.body.id,
      cause: 'refunded: order cancelled by its owner',
    });
  });

  it('the same message delivered 8 times at once: one refund', async () => {
    const order = await t.placeOrder(alice, 2, 1);
    await t.pay(order).expect(201);
    const messageId = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => refundMessage(order.id, messageId)),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body.outcome === 'refunded')).toHaveLength(1);
    const outbox = await t.paymentOutbox(order.id);
    expect(outbox.filter((m) => m.type === 'payment.refunded')).toHaveLength(1);
  });

  it('no approved payment: 200 no_payment, recorded once', async () => {
    const order = await t.placeOrder(alice, 3, 1);
    await t.pay(order, { card: card(CARDS.declined) }).expect(201);
    const res = await refundMessage(order.id).expect(200);
    expect(res.body).toMatchObject({ outcome: 'no_payment', payment: null });
    expect((await refundMessage(randomUUID()).expect(200)).body.outcome).toBe('no_payment');
  });

  it('the receiver wants the service key and a valid body', async () => {
    await t
      .http()
      .post(REFUNDS)
      .send({ message_id: randomUUID(), order_id: randomUUID(), cause: 'x' })
      .expect(401);
    const bad = await t
      .http()
      .post(REFUNDS)
      .set('X-Service-Key', ORDER_KEY)
      .send({ message_id: 'nope', order_id: randomUUID(), cause: 'x', extra: 1 })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['message_id', 'extra']),
    );
  });

  it('cancelling a paid order at the order service: its relay asks for the refund, the payment is reembolsado, the order records it', async () => {
    const order = await t.placeOrder(alice, 12, 2);
    const paid = await t.pay(order).expect(201);
    // (earlier tests' notices go out in the same pass)
    expect(await t.drainPayment()).toBeGreaterThanOrEqual(1);
    expect((await t.orderOf(order.id)).status).toBe('pagada');

    await t
      .orderHttp()
      .post(`/api/v1/orders/${order.id}/cancel`)
      .set(bearer(alice.token))
      .expect(200);
    // the order service's relay delivers the refund message to this (listening) service
    await t.drainOrder();
    const payment = await t
      .http()
      .get(`/api/v1/payments/${paid.body.id}`)
      .set(bearer(alice.token))
      .expect(200);
    expect(payment.body.status).toBe('reembolsado');

    expect(await t.drainPayment()).toBeGreaterThanOrEqual(1);
    const events = await t.orderEvents(order.id);
    expect(events.map((e) => e.type)).toEqual(['created', 'paid', 'cancelled', 'refunded']);
    expect((await t.orderOf(order.id)).status).toBe('cancelada');
  });
});
