import { SimulatedPaymentGateway } from '../src/infrastructure/gateways/simulated.payment-gateway';
import { CARDS, Customer, PaymentTestApp, card, startPaymentTestApp } from './payment-test-app';

const problemType = (code: string) => `https://nest-commerce.dev/problems/${code}`;

describe('payments the gateway did not answer: pendiente, then reconciliation (e2e)', () => {
  let t: PaymentTestApp;
  let alice: Customer;
  const simulator = () => t.gateway<SimulatedPaymentGateway>();

  beforeAll(async () => {
    t = await startPaymentTestApp({ paymentEnv: { PAYMENT_PENDING_EXPIRY_MS: '5000' } });
    alice = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the timeout card: 202 pendiente, the order waits; reconciliation settles it aprobado, charged once, the order pagada', async () => {
    const order = await t.placeOrder(alice, 33.33, 3);
    const pending = await t.pay(order, { card: card(CARDS.timeout) }).expect(202);
    expect(pending.body).toMatchObject({
      status: 'pendiente',
      gateway_reference: null,
      card_last4: '0119',
    });
    expect(await t.paymentOutbox(order.id)).toEqual([]);

    // while it is pending, the order cannot be charged again
    const second = await t.pay(order).expect(409);
    expect(second.body.type).toBe(problemType('payment-in-progress'));

    // too young for the default pass (it may still be in its request)
    expect((await t.reconcile()).examined).toBe(0);

    const report = await t.reconcile({ minAgeMs: 0 });
    expect(report).toMatchObject({ approved: 1, stillPending: 0 });
    const settled = await t
      .http()
      .get(`/api/v1/payments/${pending.body.id}`)
      .set('Authorization', `Bearer ${alice.token}`)
      .expect(200);
    expect(settled.body.status).toBe('aprobado');
    expect(settled.body.gateway_reference).toMatch(/^sim_ch_/);
    expect(await simulator().capturedFor(pending.body.id)).toBe(1);

    // a second pass finds nothing to do; the charge count does not move
    expect((await t.reconcile({ minAgeMs: 0 })).examined).toBe(0);
    expect(await simulator().capturedFor(pending.body.id)).toBe(1);

    expect(await t.drainPayment()).toBe(1);
    expect((await t.orderOf(order.id)).status).toBe('pagada');
    const paid = (await t.orderEvents(order.id)).filter((e) => e.type === 'paid');
    expect(paid).toHaveLength(1);
    expect(paid[0].payment_id).toBe(pending.body.id);
  });

  it('a pending payment the gateway never saw stays pendiente, then is declined after PAYMENT_PENDING_EXPIRY_MS; the order is free again', async () => {
    const order = await t.placeOrder(alice, 2.5, 1);
    // as if the process had stopped between storing the payment and calling the gateway
    const stuck = await t.pay(order, { card: card(CARDS.timeout) }).expect(202);
    await t.query(`UPDATE payments SET id = gen_random_uuid() WHERE id = $1 RETURNING id`, [
      stuck.body.id,
    ]);
    const [row] = await t.query<{ id: string }>(`SELECT id FROM payments WHERE order_id = $1`, [
      order.id,
    ]);

    expect(await t.reconcile({ minAgeMs: 0 })).toMatchObject({ stillPending: 1 });
    const later = new Date(Date.now() + 6000);
    expect(await t.reconcile({ minAgeMs: 0, now: later })).toMatchObject({ declined: 1 });
    const [declined] = await t.query<{ status: string; failure_reason: string }>(
      'SELECT status, failure_reason FROM payments WHERE id = $1',
      [row.id],
    );
    expect(declined).toEqual({ status: 'rechazado', failure_reason: 'gateway_has_no_charge' });
    expect(await simulator().capturedFor(row.id)).toBe(0);
    expect((await t.pay(order).expect(201)).body.status).toBe('aprobado');
  });

  it('the request and a reconciliation pass racing for one payment settle it once', async () => {
    const order = await t.placeOrder(alice, 1.99, 1);
    const pending = await t.pay(order, { card: card(CARDS.timeout) }).expect(202);
    await Promise.all([
      t.reconcile({ minAgeMs: 0 }),
      t.reconcile({ minAgeMs: 0 }),
      t.reconcile({ minAgeMs: 0 }),
    ]);
    const rows = await t.query<{ status: string }>(
      'SELECT status FROM payments WHERE order_id = $1',
      [order.id],
    );
    expect(rows).toEqual([{ status: 'aprobado' }]);
    expect(await t.paymentOutbox(order.id)).toHaveLength(1);
    expect(await simulator().capturedFor(pending.body.id)).toBe(1);
  });

  it('approved by reconciliation after the order was cancelled: the order stays cancelada and the charge is refunded', async () => {
    const order = await t.placeOrder(alice, 18, 1);
    const pending = await t.pay(order, { card: card(CARDS.timeout) }).expect(202);
    await t
      .orderHttp()
      .post(`/api/v1/orders/${order.id}/cancel`)
      .set('Authorization', `Bearer ${alice.token}`)
      .expect(200);

    expect(await t.reconcile({ minAgeMs: 0 })).toMatchObject({ approved: 1 });
    // pagada reaches a cancelled order: acknowledged, and the order asks for the refund
    await t.drainPayment();
    expect((await t.orderOf(order.id)).status).toBe('cancelada');
    await t.drainOrder();
    const [row] = await t.query<{ status: string }>('SELECT status FROM payments WHERE id = $1', [
      pending.body.id,
    ]);
    expect(row.status).toBe('reembolsado');
    expect(await simulator().capturedFor(pending.body.id)).toBe(1);
    await t.drainPayment();
    const types = (await t.orderEvents(order.id)).map((e) => e.type);
    expect(types).toEqual(['created', 'cancelled', 'refunded']);
  });
});
