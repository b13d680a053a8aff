import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencySettings } from '@app/platform';
import { CARDS, Customer, PaymentTestApp, card, startPaymentTestApp } from './payment-test-app';

const problemType = (code: string) => `https://nest-commerce.dev/problems/${code}`;

describe('Idempotency-Key on POST /payments/process (e2e)', () => {
  let t: PaymentTestApp;
  let alice: Customer;

  async function paymentsOf(orderId: string): Promise<number> {
    return (await t.query('SELECT id FROM payments WHERE order_id = $1', [orderId])).length;
  }

  beforeAll(async () => {
    // a little gateway latency keeps the first request in flight while the others arrive
    t = await startPaymentTestApp({ paymentEnv: { SIMULATED_GATEWAY_LATENCY_MS: '600' } });
  });
  beforeEach(async () => {
    alice = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('same key and body: the first answer replayed (status and body), one payment, one charge', async () => {
    const order = await t.placeOrder(alice, 19.99, 1);
    const key = `pay-${randomUUID()}`;
    const first = await t.pay(order, {}, { key }).expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await t.pay(order, {}, { key }).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await paymentsOf(order.id)).toBe(1);
    expect((await t.paymentOutbox(order.id)).length).toBe(1);
  });

  it('the replay is the first answer even after the payment moved on (refunded)', async () => {
    const order = await t.placeOrder(alice, 3, 1);
    const key = randomUUID();
    const first = await t.pay(order, {}, { key }).expect(201);
    await t
      .http()
      .post(`/api/v1/payments/${first.body.id}/refund`)
      .set('Authorization', `Bearer ${t.adminToken}`)
      .expect(200);
    const again = await t.pay(order, {}, { key }).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.body.status).toBe('aprobado');
  });

  it('a declined answer is replayed too; a new attempt needs a new key', async () => {
    const order = await t.placeOrder(alice, 2, 1);
    const key = randomUUID();
    const declined = await t.pay(order, { card: card(CARDS.declined) }, { key }).expect(201);
    expect(declined.body.status).toBe('rechazado');
    const replay = await t.pay(order, { card: card(CARDS.declined) }, { key }).expect(201);
    expect(replay.body).toEqual(declined.body);
    const fresh = await t.pay(order, {}, { key: randomUUID() }).expect(201);
    expect(fresh.body.status).toBe('aprobado');
  });

  it('key order in the body does not matter; another body is 422 and charges nothing', async () => {
    const order = await t.placeOrder(alice, 4, 1);
    const key = randomUUID();
    await t.pay(order, {}, { key }).expect(201);
    const reordered = await t
      .http()
      .post('/api/v1/payments/process')
      .set('Authorization', `Bearer ${alice.token}`)
      .set('Idempotency-Key', key)
      .send({
        card: { cvc: '737', exp_year: card().exp_year, exp_month: 12, number: CARDS.approved },
        payment_method: 'credit_card',
        amount: order.total,
        order_id: order.id,
      })
      .expect(201);
    expect(reordered.headers['idempotent-replayed']).toBe('true');
    const other = await t.pay(order, { payment_method: 'debit_card' }, { key }).expect(422);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect(other.body.type).toBe(problemType('idempotency-key-reused'));
    const otherCard = await t.pay(order, { card: card(CARDS.mastercard) }, { key }).expect(422);
    expect(otherCard.body.type).toBe(problemType('idempotency-key-reused'));
    expect(await paymentsOf(order.id)).toBe(1);
  });

  it('10 concurrent requests with one key: one payment; the others replay it or get 409 in flight', async () => {
    const order = await t.placeOrder(alice, 5, 2);
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 10 }, () => t.pay(order, {}, { key })));
    expect(answers.every((a) => a.status < 500)).toBe(true);
    const created = answers.filter((a) => a.status === 201);
    const inFlight = answers.filter((a) => a.status === 409);
    expect(created.length + inFlight.length).toBe(10);
    expect(inFlight.length).toBeGreaterThan(0);
    for (const res of inFlight)
      expect(res.body.type).toBe(problemType('idempotency-key-in-flight'));
    expect(new Set(created.map((a) => a.body.id)).size).toBe(1);
    expect(await paymentsOf(order.id)).toBe(1);
    const replay = await t.pay(order, {}, { key }).expect(201);
    expect(replay.body.id).toBe(created[0].body.id);
  });

  it('stored refusals: a 422 amount-mismatch keeps its answer for the key', async () => {
    const order = await t.placeOrder(alice, 6, 1);
    const key = randomUUID();
    const first = await t.pay(order, { amount: 5 }, { key }).expect(422);
    const again = await t.pay(order, { amount: 5 }, { key }).expect(422);
    expect(again.body).toEqual(first.body);
    expect(again.body.type).toBe(problemType('amount-mismatch'));
  });

  it('a 409 conflict with another payment is not kept: the same key works once the order is free', async () => {
    const order = await t.placeOrder(alice, 7, 1);
    const key = randomUUID();
    // supertest sends on then(): start it now, not when awaited
    const running = t.pay(order, { card: card(CARDS.declined) }).then((res) => res);
    // wait until the first payment is stored pendiente (it then waits on the gateway's latency),
    // not a fixed time: under load a fixed sleep can miss that window
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const rows = await t.query<{ status: string }>(
        'SELECT status FROM payments WHERE order_id = $1',
        [order.id],
      );
      if (rows.some((row) => row.status === 'pendiente')) break;
      await sleep(10);
    }
    const conflict = await t.pay(order, {}, { key });
    expect((await running).body.status).toBe('rechazado');
    expect(conflict.status).toBe(409);
    expect(conflict.body.type).toBe(problemType('payment-in-progress'));
    const retried = await t.pay(order, {}, { key }).expect(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.body.status).toBe('aprobado');
  });

  it('keys are scoped per caller: the same key from two customers never meets', async () => {
    const bob = await t.customer();
    const key = randomUUID();
    const aliceOrder = await t.placeOrder(alice, 8, 1);
    const bobOrder = await t.placeOrder(bob, 9, 1);
    const a = await t.pay(aliceOrder, {}, { key }).expect(201);
    const b = await t.pay(bobOrder, {}, { key }).expect(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('the stored key holds no card number and no CVC', async () => {
    const order = await t.placeOrder(alice, 10, 1);
    const key = randomUUID();
    await t.pay(order, { card: card(CARDS.mastercard, '9071') }, { key }).expect(201);
    const rows = await t.query('SELECT * FROM idempotency_keys WHERE key = $1', [key]);
    const text = JSON.stringify(rows);
    expect(text).not.toContain(CARDS.mastercard);
    expect(text).not.toContain('9071');
    expect(text).toContain('"card_last4":"4444"');
  });

  it('a malformed key is 400 naming the header', async () => {
    const order = await t.placeOrder(alice, 1, 1);
    const res = await t.pay(order, {}, { key: 'x'.repeat(256) }).expect(400);
    expect(res.body.errors[0].field).toBe('Idempotency-Key');
  });

  it('leases a key 10 s at a time (renewed while the payment runs), for 120 s at most', () => {
    expect(t.payment.get(IdempotencySettings)).toEqual({
      ttlHours: 24,
      leaseSeconds: 10,
      maxHoldSeconds: 120,
    });
  });
});
