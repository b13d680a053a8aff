import {
  Customer,
  PaymentTestApp,
  bearer,
  expectNoLeak,
  startPaymentTestApp,
} from './payment-test-app';

describe('the order service down (e2e)', () => {
  let t: PaymentTestApp;
  let alice: Customer;

  beforeAll(async () => {
    t = await startPaymentTestApp();
    alice = await t.customer();
  });
  afterEach(async () => {
    // a failed test must not leave the order service down for the next one
    await t.startOrder();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('approved while the order service is down: the client gets aprobado; once it is back (same port and database) the order becomes pagada exactly once', async () => {
    const order = await t.placeOrder(alice, 24.99, 2);
    const paying = await t.pay(order).expect(201);
    expect(paying.body.status).toBe('aprobado');
    // down between the approval and its notice: the notice waits in the outbox
    await t.stopOrder();

    expect(await t.drainPayment()).toBe(0);
    const waiting = await t.paymentOutbox(order.id);
    expect(waiting).toHaveLength(1);
    expect(waiting[0].status).toBe('pending');
    expect(waiting[0].attempts).toBeGreaterThanOrEqual(1);
    await t.waitForBackoff();
    expect(await t.drainPayment()).toBe(0);

    // the payment itself is settled and readable meanwhile
    const read = await t
      .http()
      .get(`/api/v1/payments/${paying.body.id}`)
      .set(bearer(alice.token))
      .expect(200);
    expect(read.body.status).toBe('aprobado');

    await t.startOrder();
    await t.waitForBackoff();
    expect(await t.drainPayment()).toBe(1);
    const delivered = await t.paymentOutbox(order.id);
    expect(delivered[0].status).toBe('delivered');
    expect((await t.orderOf(order.id)).status).toBe('pagada');

    // delivered again (an acknowledgement lost on the way back): applied once
    await t.query(`UPDATE outbox_messages SET status = 'pending' WHERE id = $1`, [delivered[0].id]);
    expect(await t.drainPayment()).toBe(1);
    const paid = (await t.orderEvents(order.id)).filter((e) => e.type === 'paid');
    expect(paid).toHaveLength(1);
    expect(paid[0].payment_id).toBe(paying.body.id);
  });

  it('the order service down when a payment starts: 503, nothing stored, nothing charged', async () => {
    const order = await t.placeOrder(alice, 3, 1);
    await t.stopOrder();
    const res = await t.pay(order).expect(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.type).toBe('https://nest-commerce.dev/problems/upstream-unavailable');
    expectNoLeak(res.body);
    expect(await t.query('SELECT id FROM payments WHERE order_id = $1', [order.id])).toEqual([]);
    await t.startOrder();
    expect((await t.pay(order).expect(201)).body.status).toBe('aprobado');
  });
});
