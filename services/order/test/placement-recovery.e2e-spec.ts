import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { RecoverPlacementsUseCase } from '../src/application/use-cases/recover-placements.use-case';
import { HttpGate } from './http-gate';
import { Customer, ORDER_KEY, OrderTestApp, startOrderTestApp } from './order-test-app';

const ORDERS = '/api/v1/orders';
const RESERVATIONS = '/api/v1/stock/reservations';
/** placements older than this are recovered; short, since recovery runs only when a test asks */
const TIMEOUT_SECONDS = 1;

const isReserve = (r: { method: string; path: string }) =>
  r.method === 'POST' && r.path === RESERVATIONS;
const isRelease = (r: { method: string; path: string }) =>
  r.method === 'POST' && /^\/api\/v1\/stock\/reservations\/[^/]+\/release$/.test(r.path);

interface PlacementRow {
  order_id: string;
  state: string;
}

// The order service calls the real product service through a gate the tests steer, to stop a
// placement between the product's commit and the order's; order_db is real PostgreSQL. The
// recovery does not run on its own here (ORDER_PLACEMENT_RECOVERY_INTERVAL_MS=0): each test
// runs its passes, so a slow machine cannot take a placement over behind a test's back.
describe('placements and their recovery (real PostgreSQL, real product service)', () => {
  let t: OrderTestApp;
  let gate: HttpGate;
  let alice: Customer;
  const http = () => request(t.app.getHttpServer());
  const recover = () => t.app.get(RecoverPlacementsUseCase).execute();
  const placements = () =>
    t.query<PlacementRow>('SELECT order_id, state FROM order_placements ORDER BY started_at');
  const productHttp = () => request(t.product.getHttpServer());

  function place(productId: string, quantity: number) {
    return http()
      .post(ORDERS)
      .set('Authorization', `Bearer ${alice.token}`)
      .send({ user_id: alice.id, items: [{ product_id: productId, quantity }] });
  }

  /** The order id of the last reservation that went through the gate's rules. */
  function lastReservedOrderId(): string {
    const reserve = [...gate.seen].reverse().find(isReserve);
    if (!reserve) throw new Error('no reservation went through the gate');
    return (JSON.parse(reserve.body) as { order_id: string }).order_id;
  }

  async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 10_000) {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
      await sleep(20);
    }
  }

  beforeAll(async () => {
    gate = await HttpGate.start();
    t = await startOrderTestApp({
      orderEnv: {
        PRODUCT_SERVICE_URL: gate.url,
        ORDER_PLACEMENT_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
        ORDER_PLACEMENT_RECOVERY_INTERVAL_MS: '0',
        // a held answer must not time out; failures must not open the breaker for the next test
        UPSTREAM_TIMEOUT_MS: '15000',
        UPSTREAM_RETRIES: '1',
        UPSTREAM_BREAKER_THRESHOLD: '10000',
      },
    });
    gate.target = t.productUrl;
    alice = await t.customer();
  });
  afterEach(() => gate.reset());
  afterAll(async () => {
    await t?.close();
    await gate?.stop();
  });

  it('a placement left by a dead process is released once it is older than the timeout, not before', async () => {
    const product = await t.createProduct(5, 10);
    const orderId = randomUUID();
    // what a process killed between its reservation and its commit leaves: the record, the stock
    await t.query(
      `INSERT INTO order_placements (order_id, user_id, items, state, next_attempt_at)
       VALUES ($1, $2, $3, 'placing', now() + make_interval(secs => $4))`,
      [orderId, alice.id, JSON.stringify([{ productId: product, quantity: 4 }]), TIMEOUT_SECONDS],
    );
    await productHttp()
      .post(RESERVATIONS)
      .set('X-Service-Key', ORDER_KEY)
      .send({ order_id: orderId, items: [{ product_id: product, quantity: 4 }] })
      .expect(201);
    expect(await t.stockOf(product)).toBe(6);

    expect(await recover()).toEqual({ released: [], failed: [] });
    expect(await placements()).toEqual([{ order_id: orderId, state: 'placing' }]);
    await sleep(TIMEOUT_SECONDS * 1000 + 100);
    expect(await recover()).toEqual({ released: [orderId], failed: [] });
    expect(await t.stockOf(product)).toBe(10);
    expect(await placements()).toEqual([]);
    expect(await t.query('SELECT id FROM orders WHERE id = $1', [orderId])).toEqual([]);
  });

  it('a placed order leaves no placement behind and keeps its stock through recovery', async () => {
    const product = await t.createProduct(5, 10);
    const res = await place(product, 3).expect(201);
    expect(await placements()).toEqual([]);
    await sleep(TIMEOUT_SECONDS * 1000 + 100);
    expect(await recover()).toEqual({ released: [], failed: [] });
    expect(await t.stockOf(product)).toBe(7);
    expect(res.body.status).toBe('creada');
  });

  it('the product service reserves, then its answer is lost: the order releases at once (503, no order)', async () => {
    const product = await t.createProduct(5, 10);
    gate.when(isReserve, 'drop-answer'); // every attempt lands, no answer comes back
    const res = await place(product, 2).expect(503);
    expect(res.body.type).toBe('https://nest-commerce.dev/problems/upstream-unavailable');
    const orderId = lastReservedOrderId();
    expect(await t.stockOf(product)).toBe(10);
    expect(await placements()).toEqual([]);
    expect(await t.query('SELECT id FROM orders WHERE id = $1', [orderId])).toEqual([]);
  });

  it('…and the release fails too: the placement waits, each recovery pass retries until the product service answers', async () => {
    const product = await t.createProduct(5, 10);
    gate.when(isReserve, 'drop-answer');
    gate.when(isRelease, 'refuse');
    await place(product, 2).expect(503);
    const orderId = lastReservedOrderId();
    expect(await t.stockOf(product)).toBe(8); // reserved, not given back yet
    expect(await placements()).toEqual([{ order_id: orderId, state: 'abandoning' }]);

    // the product service still unreachable for the release: retried at every pass, kept
    expect(await recover()).toEqual({ released: [], failed: [orderId] });
    expect(await recover()).toEqual({ released: [], failed: [orderId] });
    expect(await placements()).toEqual([{ order_id: orderId, state: 'abandoning' }]);

    gate.reset();
    expect(await recover()).toEqual({ released: [orderId], failed: [] });
    expect(await t.stockOf(product)).toBe(10);
    expect(await placements()).toEqual([]);
  });

  it('the final commit finds its placement taken over by recovery: 503, the order does not exist, stock back', async () => {
    const product = await t.createProduct(5, 10);
    gate.when(isReserve, 'hold-answer');
    const placing = place(product, 4).then((res) => res);
    // the product service has committed the reservation; its answer waits at the gate
    await waitFor('the reservation answer held', () => gate.held === 1);
    const orderId = lastReservedOrderId();
    expect(await t.stockOf(product)).toBe(6);
    await sleep(TIMEOUT_SECONDS * 1000 + 100);
    expect(await recover()).toEqual({ released: [orderId], failed: [] });
    expect(await t.stockOf(product)).toBe(10);

    gate.open(); // the answer arrives: 201 from the product service, too late
    const res = await placing;
    expect(res.status).toBe(503);
    expect(res.body.type).toBe('https://nest-commerce.dev/problems/upstream-unavailable');
    expect(await t.query('SELECT id FROM orders WHERE id = $1', [orderId])).toEqual([]);
    expect(await t.outbox(orderId)).toEqual([]);
    expect(await t.stockOf(product)).toBe(10);
    expect(await placements()).toEqual([]);
  });

  it('recovery releases before the reservation lands: the tombstone refuses it (503), no stock taken', async () => {
    const product = await t.createProduct(5, 10);
    gate.when(isReserve, 'hold-request');
    const placing = place(product, 4).then((res) => res);
    await waitFor('the reservation request held', () => gate.held === 1);
    const orderId = lastReservedOrderId();
    await sleep(TIMEOUT_SECONDS * 1000 + 100);
    // the order holds nothing yet: the release leaves a tombstone
    expect(await recover()).toEqual({ released: [orderId], failed: [] });

    gate.open(); // the reservation arrives after the release
    const res = await placing;
    expect(res.status).toBe(503);
    expect(await t.stockOf(product)).toBe(10);
    expect(await t.query('SELECT id FROM orders WHERE id = $1', [orderId])).toEqual([]);
    expect(await placements()).toEqual([]);
  });

  it('a refusal (short stock) keeps nothing and leaves no placement', async () => {
    const product = await t.createProduct(5, 1);
    const res = await place(product, 2).expect(409);
    expect(res.body.type).toMatch(/insufficient-stock$/);
    expect(await t.stockOf(product)).toBe(1);
    expect(await placements()).toEqual([]);
  });

  it('two recovery passes at once (two instances) share the stale placements: each released once', async () => {
    const product = await t.createProduct(5, 1000);
    const orderIds = Array.from({ length: 30 }, () => randomUUID());
    for (const orderId of orderIds) {
      await t.query(
        `INSERT INTO order_placements (order_id, user_id, items, state, next_attempt_at)
         VALUES ($1, $2, '[]', 'placing', now())`,
        [orderId, alice.id],
      );
      await productHttp()
        .post(RESERVATIONS)
        .set('X-Service-Key', ORDER_KEY)
        .send({ order_id: orderId, items: [{ product_id: product, quantity: 2 }] })
        .expect(201);
    }
    expect(await t.stockOf(product)).toBe(940);
    gate.when(isRelease, 'pass'); // count the releases
    const [a, b] = await Promise.all([recover(), recover()]);
    const released = [...a.released, ...b.released];
    expect(released.sort()).toEqual([...orderIds].sort());
    expect(new Set(released).size).toBe(30); // nobody released a placement twice
    expect(gate.seen.filter(isRelease)).toHaveLength(30);
    expect(await t.stockOf(product)).toBe(1000);
    expect(await placements()).toEqual([]);
  });
});
