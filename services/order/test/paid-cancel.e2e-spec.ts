import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { RecoverPendingCancellationsUseCase } from '../src/application/use-cases/recover-pending-cancellations.use-case';
import { Customer, OrderTestApp, expectNoLeak, startOrderTestApp } from './order-test-app';

const ORDERS = '/api/v1/orders';
const ADDRESS = { street: 'Calle Mayor 1', city: 'Madrid', postal_code: '28013', country: 'ES' };
/** later than any pending cancel's due time in these tests (ORDER_CANCEL_RECOVERY_AFTER_MS) */
const LATER = () => new Date(Date.now() + 60_000);

// The cancel of a paid order asks delivery (here a real HTTP stand-in, as stopMode says) to stop
// the goods before it commits, and a pending row in order_db closes the gap between the two.
describe('cancelling a paid order: delivery is asked first (e2e, real PostgreSQL)', () => {
  let t: OrderTestApp;
  let alice: Customer;
  let product: string;
  const http = () => request(t.app.getHttpServer());
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const recover = (now = LATER()) => t.app.get(RecoverPendingCancellationsUseCase).execute(now);

  async function placed(): Promise<string> {
    const res = await http()
      .post(ORDERS)
      .set(as(alice.token))
      .send({
        user_id: alice.id,
        items: [{ product_id: product, quantity: 1 }],
        shipping_address: ADDRESS,
      })
      .expect(201);
    return res.body.id;
  }

  async function paid(): Promise<string> {
    const id = await placed();
    await t
      .sendEvent('payment.approved', { payment_id: randomUUID(), order_id: id, amount: 4 })
      .expect(200);
    return id;
  }

  const cancel = (id: string, token = alice.token) =>
    http().post(`${ORDERS}/${id}/cancel`).set(as(token));
  const statusOf = async (id: string) =>
    (await http().get(`${ORDERS}/${id}`).set(as(alice.token)).expect(200)).body.status;
  const history = async (id: string) =>
    (await http().get(`${ORDERS}/${id}/events`).set(as(alice.token)).expect(200)).body.map(
      (e: { type: string; cause: string }) => `${e.type}:${e.cause}`,
    );
  const pendingRows = (id: string) =>
    t.query<{ cause: string; attempts: number }>(
      `SELECT cause, attempts FROM pending_cancellations WHERE order_id = $1`,
      [id],
    );
  const cancelledFacts = async (id: string) =>
    (await t.outbox(id)).filter((m) => m.type === 'order.cancelled').map((m) => m.destination);

  beforeAll(async () => {
    t = await startOrderTestApp({
      orderEnv: { UPSTREAM_RETRIES: '0', UPSTREAM_BREAKER_THRESHOLD: '1000' },
    });
    alice = await t.customer();
    product = await t.createProduct(4, 1000);
  });
  afterAll(() => t?.close());
  afterEach(() => {
    t.delivery.stopMode = 'stopped';
  });

  it('creada: cancelled at once, delivery is not asked (no delivery can exist)', async () => {
    const id = await placed();
    expect((await cancel(id).expect(200)).body.status).toBe('cancelada');
    expect(t.delivery.stops).not.toContain(id);
    expect(await pendingRows(id)).toEqual([]);
  });

  it('pagada, goods stopped: 200 cancelada, order.cancelled queued, nothing left pending', async () => {
    const id = await paid();
    expect((await cancel(id).expect(200)).body.status).toBe('cancelada');
    expect(t.delivery.stops.filter((o) => o === id)).toEqual([id]);
    expect(await pendingRows(id)).toEqual([]);
    expect(await cancelledFacts(id)).toEqual(['product', 'payment', 'delivery']);
    expect(await history(id)).toEqual([
      'created:order placed',
      'paid:payment approved',
      'cancelled:cancelled by the customer',
    ]);
  });

  it('pagada, goods left: 409 illegal-transition, nothing changed; the order ships when delivery says so', async () => {
    const id = await paid();
    t.delivery.stopMode = 'left';
    const res = await cancel(id).expect(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'https://nest-commerce.dev/problems/illegal-transition',
      current_status: 'pagada',
      requested_status: 'cancelada',
      reason: 'shipped',
    });
    expectNoLeak(res.body);
    expect(await statusOf(id)).toBe('pagada');
    expect(await pendingRows(id)).toEqual([]);
    expect(await cancelledFacts(id)).toEqual([]);
    await t
      .sendEvent('delivery.in_transit', { delivery_id: randomUUID(), order_id: id })
      .expect(200);
    expect(await statusOf(id)).toBe('enviada');
  });

  it('delivery unreachable: 503, the order unchanged; a retry finishes it (the stop is idempotent)', async () => {
    const id = await paid();
    t.delivery.stopMode = 'fail';
    const res = await cancel(id).expect(503);
    expect(res.body.type).toBe('https://nest-commerce.dev/problems/upstream-unavailable');
    expect(await statusOf(id)).toBe('pagada');
    expect(await cancelledFacts(id)).toEqual([]);
    expect(await pendingRows(id)).toEqual([{ cause: 'cancelled by the customer', attempts: 0 }]);

    t.delivery.stopMode = 'stopped';
    expect((await cancel(id).expect(200)).body.status).toBe('cancelada');
    expect(await pendingRows(id)).toEqual([]);
    expect(await cancelledFacts(id)).toEqual(['product', 'payment', 'delivery']);
  });

  it('delivery unreachable and nobody retries: recovery finishes the cancel with its cause once delivery answers', async () => {
    const id = await paid();
    t.delivery.stopMode = 'fail';
    await cancel(id, t.adminToken).expect(503);
    // not due yet: left to its request
    expect((await recover(new Date())).examined).toBe(0);
    // due, delivery still down: tried, and due again after its lease
    const failed = await recover();
    expect(failed).toMatchObject({ examined: 1, failed: 1 });
    expect(await pendingRows(id)).toEqual([
      { cause: 'cancelled by an administrator', attempts: 1 },
    ]);
    expect(await statusOf(id)).toBe('pagada');
    expect((await recover()).examined).toBe(0); // leased to the failed attempt

    t.delivery.stopMode = 'stopped';
    const done = await recover(new Date(Date.now() + 120_000));
    expect(done).toMatchObject({ examined: 1, cancelled: 1 });
    expect(await statusOf(id)).toBe('cancelada');
    expect(await pendingRows(id)).toEqual([]);
    expect((await history(id)).at(-1)).toBe('cancelled:cancelled by an administrator');
    expect(await cancelledFacts(id)).toEqual(['product', 'payment', 'delivery']);
  });

  it('the crash window: delivery stopped the goods, the order’s commit failed → recovery cancels it', async () => {
    const id = await paid();
    // the process "dies" between the stop and the commit: here the commit fails instead
    await t.query(`CREATE OR REPLACE FUNCTION test_fail_outbox() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'outbox insert failed (test)'; END $$ LANGUAGE plpgsql`);
    await t.query(`CREATE TRIGGER test_fail_outbox BEFORE INSERT ON outbox_messages
      FOR EACH ROW EXECUTE FUNCTION test_fail_outbox()`);
    try {
      const res = await cancel(id);
      expect(res.status).toBe(500);
      expectNoLeak(res.body);
    } finally {
      await t.query(`DROP TRIGGER test_fail_outbox ON outbox_messages`);
    }
    // delivery has stopped the goods; the order is still pagada, its cancel pending
    expect(t.delivery.stops.filter((o) => o === id)).toEqual([id]);
    expect(await statusOf(id)).toBe('pagada');
    expect(await pendingRows(id)).toHaveLength(1);

    expect(await recover()).toMatchObject({ examined: 1, cancelled: 1 });
    expect(t.delivery.stops.filter((o) => o === id)).toEqual([id, id]);
    expect(await statusOf(id)).toBe('cancelada');
    expect(await cancelledFacts(id)).toEqual(['product', 'payment', 'delivery']);
  });

  it('recovery drops a cancel whose goods left, and one whose order moved on meanwhile', async () => {
    const shipped = await paid();
    const moved = await paid();
    t.delivery.stopMode = 'fail';
    await cancel(shipped).expect(503);
    await cancel(moved).expect(503);
    await t
      .sendEvent('delivery.in_transit', { delivery_id: randomUUID(), order_id: moved })
      .expect(200);

    t.delivery.stopMode = 'left';
    const asked = t.delivery.stops.length;
    expect(await recover()).toMatchObject({ examined: 2, left: 1, dropped: 1, cancelled: 0 });
    // the order that moved on needed no question
    expect(t.delivery.stops.slice(asked)).toEqual([shipped]);
    expect(await statusOf(shipped)).toBe('pagada');
    expect(await statusOf(moved)).toBe('enviada');
    expect(await pendingRows(shipped)).toEqual([]);
    expect(await pendingRows(moved)).toEqual([]);
    expect(await cancelledFacts(shipped)).toEqual([]);
  });

  it('two replicas recovering at once finish each pending cancel once', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => paid()));
    t.delivery.stopMode = 'fail';
    for (const id of ids) await cancel(id).expect(503);
    t.delivery.stopMode = 'stopped';
    const replica = await t.replica();
    const now = LATER();
    const reports = await Promise.all([
      recover(now),
      replica.get(RecoverPendingCancellationsUseCase).execute(now),
    ]);
    expect(reports.reduce((sum, r) => sum + r.cancelled, 0)).toBe(ids.length);
    for (const id of ids) {
      expect(await statusOf(id)).toBe('cancelada');
      expect(await cancelledFacts(id)).toEqual(['product', 'payment', 'delivery']);
      expect((await history(id)).filter((e: string) => e.startsWith('cancelled'))).toHaveLength(1);
    }
  });

  it('two cancels of one paid order at once: one 200, the other 409, one order.cancelled', async () => {
    for (let round = 0; round < 5; round += 1) {
      const id = await paid();
      const answers = await Promise.all([cancel(id), cancel(id, t.adminToken)]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      expect(await statusOf(id)).toBe('cancelada');
      expect(await cancelledFacts(id)).toEqual(['product', 'payment', 'delivery']);
      expect(await pendingRows(id)).toEqual([]);
    }
  });
});
