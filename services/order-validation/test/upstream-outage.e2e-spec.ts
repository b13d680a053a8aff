import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryOutboxRelay } from '@app/platform';
import {
  Customer,
  RESULT,
  VALIDATE,
  ValidationTestApp,
  bearer,
  expectNoLeak,
  serviceKey,
  startValidationTestApp,
} from './validation-test-app';

const UNAVAILABLE = 'https://nest-commerce.dev/problems/upstream-unavailable';

/**
 * The real services stopped one after the other: product, then order. An outage is a 503
 * naming the service, never a `valid: false` (which would tell a caller the order is bad), and
 * it leaves the last kept result as it was. (The user service down: validations.e2e-spec.ts.)
 */
describe('order-validation with an upstream down (e2e)', () => {
  let t: ValidationTestApp;
  let alice: Customer;
  let orderId: string;
  let before: unknown;

  const validate = (auth: Record<string, string>) =>
    t.validation.http().post(VALIDATE).set(auth).send({ order_id: orderId });

  beforeAll(async () => {
    t = await startValidationTestApp();
    alice = await t.customer();
    const lamp = await t.createProduct(19.99);
    orderId = (await t.placeOrder(alice, [{ product_id: lamp, quantity: 2 }])).id;
    before = (await validate(bearer(alice.token)).expect(200)).body;
    expect(before).toMatchObject({ valid: true });
    // its order.validated delivered before anything is stopped
    const relay = t.validation.app.get(MemoryOutboxRelay);
    for (let waited = 0; relay.waiting > 0 && waited < 10_000; waited += 50) await sleep(50);
    expect(relay.waiting).toBe(0);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('the product service stopped', () => {
    beforeAll(async () => {
      await t.product.stop();
    });

    it('validate: 503 upstream-unavailable naming the product service, for every caller', async () => {
      for (const auth of [bearer(alice.token), bearer(t.adminToken), serviceKey()]) {
        const res = await validate(auth).expect(503);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({
          type: UNAVAILABLE,
          status: 503,
          detail: expect.stringContaining('product service'),
        });
        expect(res.body).not.toHaveProperty('valid');
        expectNoLeak(res.body);
      }
    });

    it('the last result is unchanged (the failed validation kept nothing)', async () => {
      const res = await t.validation.http().get(RESULT(orderId)).set(serviceKey()).expect(200);
      expect(res.body).toEqual(before);
    });

    it("the failed validations published nothing: the order's history has the first one only", async () => {
      await sleep(300); // an event published by a failed validation would have arrived by now
      expect(t.validation.app.get(MemoryOutboxRelay).waiting).toBe(0);
      const history = await t.order
        .http()
        .get(`/api/v1/orders/${orderId}/events`)
        .set(bearer(alice.token))
        .expect(200);
      expect(history.body.map((event: { type: string }) => event.type)).toEqual([
        'created',
        'validated',
      ]);
    });

    it('/health: 503 naming the product service as down, the others up', async () => {
      const res = await t.validation.http().get('/health').expect(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.checks).toMatchObject({
        product: { status: 'down' },
        order: { status: 'up' },
        user: { status: 'up' },
      });
    });
  });

  describe('the order service stopped as well', () => {
    beforeAll(async () => {
      await t.order.stop();
    });

    it('validate: 503 naming the order service (asked first), never order_not_found', async () => {
      const res = await validate(serviceKey()).expect(503);
      expect(res.body).toMatchObject({
        type: UNAVAILABLE,
        detail: expect.stringContaining('order service'),
      });
    });

    it('GET still answers the kept result: it asks no upstream', async () => {
      const res = await t.validation.http().get(RESULT(orderId)).set(bearer(alice.token));
      expect(res.status).toBe(200);
      expect(res.body).toEqual(before);
    });

    it('/health: 503 naming both as down', async () => {
      const res = await t.validation.http().get('/health').expect(503);
      expect(res.body.checks).toMatchObject({
        product: { status: 'down' },
        order: { status: 'down' },
        user: { status: 'up' },
      });
    });
  });
});
