import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { eventually } from '@app/testing';
import { ExpireUnpaidOrdersUseCase } from '../src/application/use-cases/expire-unpaid-orders.use-case';
import { Customer, OrderTestApp, startOrderTestApp } from './order-test-app';

const ORDERS = '/api/v1/orders';
const ADDRESS = { street: 'Calle Mayor 1', city: 'Madrid', postal_code: '28013', country: 'ES' };

/** What a suite needs of one order service: place, pay (payment's fact), read. */
function orderSteps(t: () => OrderTestApp, alice: () => Customer) {
  const http = () => request(t().app.getHttpServer());
  const as = () => ({ Authorization: `Bearer ${alice().token}` });
  return {
    async place(productId: string, quantity = 1): Promise<{ id: string; createdAt: Date }> {
      const res = await http()
        .post(ORDERS)
        .set(as())
        .send({
          user_id: alice().id,
          items: [{ product_id: productId, quantity }],
          shipping_address: ADDRESS,
        })
        .expect(201);
      return { id: res.body.id, createdAt: new Date(res.body.created_at) };
    },
    pay: (id: string) =>
      t().sendEvent('payment.approved', { payment_id: randomUUID(), order_id: id, amount: 1 }),
    async status(id: string): Promise<string> {
      return (await http().get(`${ORDERS}/${id}`).set(as()).expect(200)).body.status;
    },
    async history(id: string): Promise<string[]> {
      const res = await http().get(`${ORDERS}/${id}/events`).set(as()).expect(200);
      return res.body.map((e: { type: string; cause: string }) => `${e.type}:${e.cause}`);
    },
    async facts(id: string): Promise<string[]> {
      return (await t().outbox(id)).map((m) => `${m.type}>${m.destination}`);
    },
  };
}

describe('unpaid orders expire: the periodic pass, end to end (e2e, real PostgreSQL and product)', () => {
  let t: OrderTestApp;
  let alice: Customer;
  const steps = orderSteps(
    () => t,
    () => alice,
  );

  beforeAll(async () => {
    t = await startOrderTestApp({
      orderEnv: {
        ORDER_PAYMENT_TIMEOUT_SECONDS: '1',
        ORDER_EXPIRY_INTERVAL_MS: '100',
        OUTBOX_RELAY_ENABLED: 'true',
        OUTBOX_POLL_INTERVAL_MS: '20',
      },
    });
    alice = await t.customer();
  });
  afterAll(() => t?.close());

  it('an order still creada after ORDER_PAYMENT_TIMEOUT_SECONDS is cancelled (payment_timeout), its stock back at product; one paid in time is not', async () => {
    const product = await t.createProduct(5, 10);
    const paidInTime = await steps.place(product, 2);
    await steps.pay(paidInTime.id).expect(200);
    const unpaid = await steps.place(product, 3);
    expect(await t.stockOf(product)).toBe(5);

    await eventually(
      'the unpaid order expired',
      () => steps.status(unpaid.id),
      (s) => s === 'cancelada',
    );
    expect(await steps.history(unpaid.id)).toEqual([
      'created:order placed',
      'cancelled:payment_timeout',
    ]);
    // the release travels as order.cancelled: the product service gives the 3 units back
    await eventually(
      'the stock released',
      () => t.stockOf(product),
      (n) => n === 8,
    );
    await eventually(
      'payment and delivery told',
      async () => [
        t.payment.payloadsOf('order.cancelled', unpaid.id),
        t.delivery.payloadsOf('order.cancelled', unpaid.id),
      ],
      ([toPayment, toDelivery]) => toPayment.length === 1 && toDelivery.length === 1,
    );
    expect(t.payment.payloadsOf('order.cancelled', unpaid.id)).toEqual([
      { order_id: unpaid.id, user_id: alice.id, cause: 'payment_timeout' },
    ]);
    // placed before the one that expired, paid in time: untouched
    expect(await steps.status(paidInTime.id)).toBe('pagada');
    expect(await steps.history(paidInTime.id)).toEqual([
      'created:order placed',
      'paid:payment approved',
    ]);
  });
});

describe('unpaid orders expire: the use case (e2e, real PostgreSQL)', () => {
  const TIMEOUT_S = 2;
  let t: OrderTestApp;
  let alice: Customer;
  let product: string;
  const steps = orderSteps(
    () => t,
    () => alice,
  );
  const expire = (now: Date) => t.app.get(ExpireUnpaidOrdersUseCase).execute(now);
  const after = (placed: { createdAt: Date }, ms: number) =>
    new Date(placed.createdAt.getTime() + ms);

  beforeAll(async () => {
    t = await startOrderTestApp({
      orderEnv: { ORDER_PAYMENT_TIMEOUT_SECONDS: String(TIMEOUT_S), ORDER_EXPIRY_BATCH_SIZE: '4' },
    });
    alice = await t.customer();
    product = await t.createProduct(1, 100_000);
  });
  afterAll(() => t?.close());

  it('expires strictly after the timeout: not at it, at one millisecond past it', async () => {
    const placed = await steps.place(product);
    expect((await expire(after(placed, TIMEOUT_S * 1000))).expired).toBe(0);
    expect(await steps.status(placed.id)).toBe('creada');
    expect((await expire(after(placed, TIMEOUT_S * 1000 + 1))).expired).toBe(1);
    expect(await steps.status(placed.id)).toBe('cancelada');
    expect(await steps.facts(placed.id)).toEqual([
      'order.cancelled>product',
      'order.cancelled>payment',
      'order.cancelled>delivery',
    ]);
    // a second pass finds nothing more to do
    expect((await expire(after(placed, 60_000))).expired).toBe(0);
  });

  it('a payment approved after the expiry is refunded: the order stays cancelled and states it again', async () => {
    const placed = await steps.place(product);
    await expire(after(placed, 60_000));
    expect((await steps.pay(placed.id).expect(200)).body).toEqual({ status: 'applied' });
    expect(await steps.status(placed.id)).toBe('cancelada');
    const toPayment = (await t.outbox(placed.id)).filter((m) => m.destination === 'payment');
    expect(toPayment.map((m) => (m.payload.payload as { cause: string }).cause)).toEqual([
      'payment_timeout',
      'payment approved after the order was cancelled',
    ]);
    expect(await steps.history(placed.id)).toEqual([
      'created:order placed',
      'cancelled:payment_timeout',
    ]);
  });

  it('payment and expiry racing at the deadline: exactly one wins, and the end is consistent either way', async () => {
    const outcomes = { paid: 0, expired: 0 };
    for (let round = 0; round < 24; round += 1) {
      const placed = await steps.place(product);
      // the payment's fact and the pass land together; the pass sees the order past its deadline
      const [payment] = await Promise.all([
        steps.pay(placed.id),
        expire(after(placed, TIMEOUT_S * 1000 + 1)),
      ]);
      expect(payment.status).toBe(200);
      const status = await steps.status(placed.id);
      const history = await steps.history(placed.id);
      const facts = await steps.facts(placed.id);
      if (status === 'pagada') {
        outcomes.paid += 1;
        expect(history).toEqual(['created:order placed', 'paid:payment approved']);
        expect(facts).toEqual(['order.paid>delivery']);
      } else {
        outcomes.expired += 1;
        expect(status).toBe('cancelada');
        expect(history).toEqual(['created:order placed', 'cancelled:payment_timeout']);
        // the cancellation, then (the payment arrived after) stated again: payment refunds
        expect(facts).toEqual([
          'order.cancelled>product',
          'order.cancelled>payment',
          'order.cancelled>delivery',
          'order.cancelled>product',
          'order.cancelled>payment',
          'order.cancelled>delivery',
        ]);
      }
    }
    expect(outcomes.paid + outcomes.expired).toBe(24);
    console.info(`payment vs expiry at the deadline, 24 rounds: ${JSON.stringify(outcomes)}`);
  });

  it('two replicas expiring at once cancel every expired order exactly once (small batches, SKIP LOCKED)', async () => {
    await expire(new Date(Date.now() + 3_600_000)); // what earlier tests left creada
    const placed = await Promise.all(Array.from({ length: 30 }, () => steps.place(product)));
    const replica = await t.replica({ ORDER_EXPIRY_BATCH_SIZE: '3' });
    const now = new Date(Date.now() + 3_600_000);
    const reports = await Promise.all([
      expire(now),
      replica.get(ExpireUnpaidOrdersUseCase).execute(now),
      expire(now),
    ]);
    expect(reports.reduce((sum, r) => sum + r.expired, 0)).toBe(30);
    for (const order of placed) {
      expect(await steps.history(order.id)).toEqual([
        'created:order placed',
        'cancelled:payment_timeout',
      ]);
      expect(await steps.facts(order.id)).toEqual([
        'order.cancelled>product',
        'order.cancelled>payment',
        'order.cancelled>delivery',
      ]);
    }
  });

  it('cancels exactly the creada orders older than the timeout, whatever the mix (generated)', async () => {
    const T = TIMEOUT_S * 1000;
    const order = fc.record({
      status: fc.constantFrom('creada', 'pagada', 'cancelada'),
      ageMs: fc.oneof(
        fc.constantFrom(0, T - 1, T, T + 1, 2 * T),
        fc.integer({ min: 0, max: 3 * T }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(order, { minLength: 1, maxLength: 6 }), async (mix) => {
        const now = new Date();
        const ids: string[] = [];
        for (const { status, ageMs } of mix) {
          const { id } = await steps.place(product);
          if (status === 'pagada') await steps.pay(id).expect(200);
          if (status === 'cancelada') {
            await request(t.app.getHttpServer())
              .post(`${ORDERS}/${id}/cancel`)
              .set({ Authorization: `Bearer ${alice.token}` })
              .expect(200);
          }
          await t.query(`UPDATE orders SET created_at = $2 WHERE id = $1`, [
            id,
            new Date(now.getTime() - ageMs),
          ]);
          ids.push(id);
        }
        await expire(now);
        for (const [n, { status, ageMs }] of mix.entries()) {
          const expected = status === 'creada' && ageMs > T ? 'cancelada' : status;
          expect(await steps.status(ids[n])).toBe(expected);
          const timeouts = (await steps.history(ids[n])).filter(
            (e) => e === 'cancelled:payment_timeout',
          );
          expect(timeouts).toHaveLength(status === 'creada' && ageMs > T ? 1 : 0);
        }
      }),
      { numRuns: 20 },
    );
  });
});
