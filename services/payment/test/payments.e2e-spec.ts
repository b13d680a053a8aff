import { randomUUID } from 'node:crypto';
import {
  CARDS,
  Customer,
  PaymentTestApp,
  bearer,
  card,
  expectNoLeak,
  startPaymentTestApp,
} from './payment-test-app';

const PAYMENTS = '/api/v1/payments';
const problemType = (code: string) => `https://nest-commerce.dev/problems/${code}`;

describe('payments against the real order service (e2e)', () => {
  let t: PaymentTestApp;
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    t = await startPaymentTestApp();
    alice = await t.customer();
    bob = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a declined card: rechazado with its reason, the order stays creada; then a good card pays it', async () => {
    const order = await t.placeOrder(alice, 19.99, 3);
    expect(order.total).toBe(59.97);

    const declined = await t.pay(order, { card: card(CARDS.declined) }).expect(201);
    expect(declined.body).toMatchObject({
      order_id: order.id,
      user_id: alice.id,
      amount: 59.97,
      currency: 'eur',
      payment_method: 'credit_card',
      status: 'rechazado',
      gateway: 'simulated',
      card_last4: '0002',
      card_brand: 'visa',
      failure_reason: 'card_declined',
    });
    await t.drainPayment();
    expect((await t.orderOf(order.id)).status).toBe('creada');

    const poor = await t.pay(order, { card: card(CARDS.insufficientFunds) }).expect(201);
    expect(poor.body).toMatchObject({ status: 'rechazado', failure_reason: 'insufficient_funds' });

    const approved = await t.pay(order).expect(201);
    expect(approved.body).toMatchObject({
      status: 'aprobado',
      card_last4: '4242',
      failure_reason: null,
    });
    expect(approved.body.gateway_reference).toMatch(/^sim_ch_/);
    expect(approved.body.id).not.toBe(declined.body.id);

    // the order learns it through the outbox: one event, in the approval's transaction, in
    // payment's words (payment.declined has no subscriber yet: no row for the declines)
    const outbox = await t.paymentOutbox(order.id);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      type: 'payment.approved',
      destination: 'order',
      path: '/api/v1/internal/events',
      status: 'pending',
    });
    expect(outbox[0].payload.payload).toEqual({
      payment_id: approved.body.id,
      order_id: order.id,
      amount: 59.97,
    });
    expect(await t.drainPayment()).toBe(1);
    expect((await t.orderOf(order.id)).status).toBe('pagada');
    const paid = (await t.orderEvents(order.id)).filter((e) => e.type === 'paid');
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({ status: 'pagada', payment_id: approved.body.id });

    // paid now: another attempt is refused by this service's own record of the charge (409),
    // whatever the order service says
    const again = await t.pay(order).expect(409);
    expect(again.body).toMatchObject({ type: problemType('order-already-paid') });
  });

  it('paid but not yet told to the order service: a second payment is 409 order-already-paid', async () => {
    const order = await t.placeOrder(alice, 5, 1);
    const first = await t.pay(order).expect(201);
    const second = await t.pay(order, { card: card(CARDS.mastercard) }).expect(409);
    expect(second.headers['content-type']).toContain('application/problem+json');
    expect(second.body).toMatchObject({
      type: problemType('order-already-paid'),
      payment_id: first.body.id,
      payment_status: 'aprobado',
    });
    const rows = await t.query('SELECT status FROM payments WHERE order_id = $1', [order.id]);
    expect(rows).toEqual([{ status: 'aprobado' }]);
  });

  it('8 concurrent payments for one order: exactly one aprobado, the others 409, no 5xx', async () => {
    const order = await t.placeOrder(alice, 12.5, 2);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.pay(order, { card: card(i % 2 ? CARDS.approved : CARDS.mastercard) }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s < 500)).toBe(true);
    expect(answers.filter((a) => a.status === 201 && a.body.status === 'aprobado')).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status !== 201)) {
      expect(refused.status).toBe(409);
      expect([problemType('payment-in-progress'), problemType('order-already-paid')]).toContain(
        refused.body.type,
      );
    }
    const rows = await t.query<{ status: string }>(
      'SELECT status FROM payments WHERE order_id = $1',
      [order.id],
    );
    expect(rows.filter((r) => r.status === 'aprobado')).toHaveLength(1);
    await t.drainPayment();
    expect((await t.orderOf(order.id)).status).toBe('pagada');
    expect((await t.orderEvents(order.id)).filter((e) => e.type === 'paid')).toHaveLength(1);
  });

  it('8 concurrent payments racing with declines: at most one aprobado, the rest 409 or rechazado', async () => {
    const order = await t.placeOrder(alice, 3, 1);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.pay(order, { card: card(i < 4 ? CARDS.declined : CARDS.approved) }),
      ),
    );
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    const approved = answers.filter((a) => a.status === 201 && a.body.status === 'aprobado');
    expect(approved.length).toBeLessThanOrEqual(1);
    const rows = await t.query<{ status: string }>(
      `SELECT status FROM payments WHERE order_id = $1 AND status <> 'rechazado'`,
      [order.id],
    );
    expect(rows.length).toBeLessThanOrEqual(1);
  });

  it('the amount must equal the order total: 422 amount-mismatch, nothing stored', async () => {
    const order = await t.placeOrder(alice, 19.99, 3);
    const res = await t.pay(order, { amount: 59.96 }).expect(422);
    expect(res.body).toMatchObject({
      type: problemType('amount-mismatch'),
      order_id: order.id,
      amount: 59.96,
      order_total: 59.97,
    });
    expectNoLeak(res.body);
    expect(await t.query('SELECT id FROM payments WHERE order_id = $1', [order.id])).toEqual([]);
  });

  it('another customer’s order is 404 (as if it did not exist), and so is an unknown order', async () => {
    const order = await t.placeOrder(alice, 7, 1);
    const res = await t.pay(order, {}, { as: bob.token }).expect(404);
    expect(res.body).toMatchObject({ type: problemType('order-not-found'), order_id: order.id });
    const unknown = await t.pay({ ...order, id: randomUUID() }).expect(404);
    expect(unknown.body.type).toBe(problemType('order-not-found'));
    expect(await t.query('SELECT id FROM payments WHERE order_id = $1', [order.id])).toEqual([]);
  });

  it('admin may pay a customer’s order; the payment belongs to the order’s customer', async () => {
    const order = await t.placeOrder(bob, 4.5, 2);
    const res = await t.pay(order, {}, { as: t.adminToken }).expect(201);
    expect(res.body).toMatchObject({ status: 'aprobado', user_id: bob.id });
    await t.http().get(`${PAYMENTS}/${res.body.id}`).set(bearer(bob.token)).expect(200);
  });

  it('an order known cancelled (order.cancelled received) is 422 order-not-payable', async () => {
    const cancelled = await t.placeOrder(alice, 2, 1);
    await t
      .orderHttp()
      .post(`/api/v1/orders/${cancelled.id}/cancel`)
      .set(bearer(alice.token))
      .expect(200);
    // the order service's relay tells payment
    await t.drainOrder();
    const res = await t.pay(cancelled).expect(422);
    expect(res.body).toMatchObject({
      type: problemType('order-not-payable'),
      order_id: cancelled.id,
      cancelled: true,
    });
    expect(await t.paymentOutbox(cancelled.id)).toEqual([]);
  });

  it('PayPal through the simulator approves, without a card', async () => {
    const order = await t.placeOrder(alice, 10, 1);
    const res = await t.pay(order, { payment_method: 'paypal', card: undefined }).expect(201);
    expect(res.body).toMatchObject({
      status: 'aprobado',
      payment_method: 'paypal',
      card_last4: null,
      card_brand: null,
    });
  });

  it.each([
    ['no card for a card method', { card: undefined }, 'card'],
    ['a card with paypal', { payment_method: 'paypal' }, 'card'],
    ['a number failing the Luhn check', { card: card('4242424242424241') }, 'card.number'],
    ['an expired card', { card: { ...card(), exp_year: 2020 } }, 'card.exp_year'],
    ['a 2-digit CVC', { card: card(CARDS.approved, '12') }, 'card.cvc'],
    ['3 decimals', { amount: 1.234 }, 'amount'],
    ['an unknown field', { status: 'aprobado' }, 'status'],
    ['an unknown method', { payment_method: 'cash' }, 'payment_method'],
  ])('400 for %s, naming the field, echoing no card data', async (_name, change, field) => {
    const order = await t.placeOrder(alice, 1, 1);
    const res = await t.pay(order, change).expect(400);
    expect(res.body.type).toBe(problemType('validation-error'));
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(JSON.stringify(res.body)).not.toMatch(/424242424242424/);
  });

  it('401 without a token; the internal endpoints refuse user tokens', async () => {
    await t.http().post(`${PAYMENTS}/process`).send({}).expect(401);
    await t.http().get(PAYMENTS).expect(401);
    await t.http().post('/api/v1/internal/events').set(bearer(t.adminToken)).send({}).expect(401);
    await t
      .http()
      .get(`/api/v1/internal/payments?order_id=${randomUUID()}`)
      .set(bearer(t.adminToken))
      .expect(401);
  });

  describe('reading payments', () => {
    let carol: Customer;
    let paymentId: string;
    let orderId: string;

    beforeAll(async () => {
      carol = await t.customer();
      const order = await t.placeOrder(carol, 8, 1);
      orderId = order.id;
      await t.pay(order, { card: card(CARDS.declined) }).expect(201);
      paymentId = (await t.pay(order).expect(201)).body.id;
    });

    it('GET /payments/{id}: the owner and admin see it, anyone else gets 404', async () => {
      const own = await t.http().get(`${PAYMENTS}/${paymentId}`).set(bearer(carol.token));
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ id: paymentId, status: 'aprobado', order_id: orderId });
      await t.http().get(`${PAYMENTS}/${paymentId}`).set(bearer(t.adminToken)).expect(200);
      const other = await t.http().get(`${PAYMENTS}/${paymentId}`).set(bearer(bob.token));
      expect(other.status).toBe(404);
      expect(other.body.type).toBe(problemType('payment-not-found'));
      await t.http().get(`${PAYMENTS}/${randomUUID()}`).set(bearer(carol.token)).expect(404);
      await t.http().get(`${PAYMENTS}/nope`).set(bearer(carol.token)).expect(400);
    });

    it('GET /payments?order_id=: own payments only, newest first, paginated; admin sees all', async () => {
      const own = await t
        .http()
        .get(`${PAYMENTS}/?order_id=${orderId}`)
        .set(bearer(carol.token))
        .expect(200);
      expect(own.body).toMatchObject({ total: 2, limit: 20, offset: 0 });
      expect(own.body.items.map((p: { status: string }) => p.status)).toEqual([
        'aprobado',
        'rechazado',
      ]);
      const page = await t
        .http()
        .get(`${PAYMENTS}?order_id=${orderId}&limit=1&offset=1`)
        .set(bearer(carol.token))
        .expect(200);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.items[0].status).toBe('rechazado');

      const nosy = await t
        .http()
        .get(`${PAYMENTS}?order_id=${orderId}`)
        .set(bearer(bob.token))
        .expect(200);
      expect(nosy.body).toMatchObject({ items: [], total: 0 });
      const admin = await t
        .http()
        .get(`${PAYMENTS}?order_id=${orderId}&status=rechazado`)
        .set(bearer(t.adminToken))
        .expect(200);
      expect(admin.body.total).toBe(1);
      await t.http().get(`${PAYMENTS}?limit=0`).set(bearer(carol.token)).expect(400);
      await t.http().get(`${PAYMENTS}?limit=101`).set(bearer(carol.token)).expect(400);
    });

    it('GET /internal/payments?order_id= with the order service’s key', async () => {
      const res = await t
        .http()
        .get(`/api/v1/internal/payments?order_id=${orderId}`)
        .set('X-Service-Key', 'order-to-others-test-key')
        .expect(200);
      expect(res.body.total).toBe(2);
    });
  });

  it('Swagger documents every endpoint with examples', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    const paths = Object.keys(res.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/payments/process',
        '/api/v1/payments',
        '/api/v1/payments/{id}',
        '/api/v1/payments/{id}/refund',
        '/api/v1/internal/payments',
        '/api/v1/internal/events',
      ]),
    );
    const process = res.body.paths['/api/v1/payments/process'].post;
    expect(Object.keys(process.responses)).toEqual(
      expect.arrayContaining(['201', '202', '400', '401', '404', '409', '422', '503']),
    );
    expect(
      process.responses['422'].content['application/problem+json'].examples.amountMismatch,
    ).toBeDefined();
  });

  it('/health is up with the database', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body.status).toBe('ok');
  });
});
