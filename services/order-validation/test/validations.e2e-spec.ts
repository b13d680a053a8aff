import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryOutboxRelay } from '@app/platform';
import { captureLogs, eventually } from '@app/testing';
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

const codesOf = (body: { errors: Array<{ code: string; product_id?: string }> }) =>
  body.errors.map((e) => (e.product_id ? [e.code, e.product_id] : [e.code]));

/**
 * order-validation against the real user, product and order services (each on its own
 * database, called over HTTP). Every rule whose failure the real services can produce is
 * produced through their APIs; total_mismatch and invalid_quantity cannot be (the order service
 * computes totals and refuses bad quantities) and are covered by the unit tests of the rules.
 */
describe('order-validation (e2e, real upstream services)', () => {
  let t: ValidationTestApp;
  let alice: Customer;
  let lamp: string;
  let book: string;

  const validate = (orderId: string, auth: Record<string, string>) =>
    t.validation.http().post(VALIDATE).set(auth).send({ order_id: orderId });

  beforeAll(async () => {
    t = await startValidationTestApp();
    alice = await t.customer();
    lamp = await t.createProduct(19.99);
    book = await t.createProduct(5.5);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('a valid order', () => {
    let orderId: string;

    beforeAll(async () => {
      const placed = await t.placeOrder(alice, [
        { product_id: lamp, quantity: 3 },
        { product_id: book, quantity: 1 },
      ]);
      expect(placed.total).toBe(65.47);
      orderId = placed.id;
    });

    it('is valid:true with no errors, for its owner', async () => {
      const res = await validate(orderId, bearer(alice.token)).expect(200);
      expect(res.body).toEqual({
        order_id: orderId,
        valid: true,
        errors: [],
        validated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it('GET returns the last result, to the owner, an admin and a service', async () => {
      const posted = (await validate(orderId, bearer(alice.token)).expect(200)).body;
      for (const auth of [bearer(alice.token), bearer(t.adminToken), serviceKey()]) {
        const res = await t.validation.http().get(RESULT(orderId)).set(auth).expect(200);
        expect(res.body).toEqual(posted);
      }
    });

    it('an admin and a service may validate it too', async () => {
      for (const auth of [bearer(t.adminToken), serviceKey()]) {
        const res = await validate(orderId, auth).expect(200);
        expect(res.body).toMatchObject({ order_id: orderId, valid: true, errors: [] });
      }
    });

    it('the id is matched case-insensitively', async () => {
      const res = await validate(orderId.toUpperCase(), serviceKey()).expect(200);
      expect(res.body.order_id).toBe(orderId);
      await t.validation.http().get(RESULT(orderId.toUpperCase())).set(serviceKey()).expect(200);
    });
  });

  describe('each failing rule, with its code', () => {
    it('order_not_creada: an order paid (payment.approved)', async () => {
      const { id } = await t.placeOrder(alice, [{ product_id: lamp, quantity: 1 }]);
      await t.moveOrder(id, 'pagada');
      const res = await validate(id, serviceKey()).expect(200);
      expect(res.body.valid).toBe(false);
      expect(codesOf(res.body)).toEqual([['order_not_creada']]);
      expect(res.body.errors[0].message).toContain('pagada');
    });

    it('order_not_creada: a cancelled order', async () => {
      const { id } = await t.placeOrder(alice, [{ product_id: book, quantity: 1 }]);
      await t.moveOrder(id, 'cancelada');
      const res = await validate(id, bearer(alice.token)).expect(200);
      expect(codesOf(res.body)).toEqual([['order_not_creada']]);
    });

    it('product_not_found: a product deleted from the catalog after ordering', async () => {
      const doomed = await t.createProduct(7.25);
      const { id } = await t.placeOrder(alice, [
        { product_id: lamp, quantity: 1 },
        { product_id: doomed, quantity: 2 },
      ]);
      await t.product
        .http()
        .delete(`/api/v1/products/${doomed}`)
        .set(bearer(t.adminToken))
        .expect(204);
      const res = await validate(id, bearer(alice.token)).expect(200);
      expect(res.body.valid).toBe(false);
      expect(codesOf(res.body)).toEqual([['product_not_found', doomed]]);
    });

    it('price_mismatch: the catalog price changed after ordering (admin PATCH)', async () => {
      const pricey = await t.createProduct(10);
      const { id } = await t.placeOrder(alice, [
        { product_id: pricey, quantity: 2 },
        { product_id: book, quantity: 1 },
      ]);
      await t.product
        .http()
        .patch(`/api/v1/products/${pricey}`)
        .set(bearer(t.adminToken))
        .send({ price: 12.5 })
        .expect(200);
      const res = await validate(id, serviceKey()).expect(200);
      expect(codesOf(res.body)).toEqual([['price_mismatch', pricey]]);
      expect(res.body.errors[0].message).toBe(
        `Product ${pricey} costs 12.50 in the catalog, the order says 10.00`,
      );
    });

    it('user_not_found: the order’s user deleted their account', async () => {
      const carol = await t.customer();
      const { id } = await t.placeOrder(carol, [{ product_id: lamp, quantity: 1 }]);
      await t.users.http().delete(`/api/v1/users/${carol.id}`).set(bearer(carol.token)).expect(204);
      // an admin (or service) asks: the user is gone, the order is still there
      const res = await validate(id, bearer(t.adminToken)).expect(200);
      expect(codesOf(res.body)).toEqual([['user_not_found']]);
      // the customer's token died with the account (issue 9: deletion revokes tokens)
      await validate(id, bearer(carol.token)).expect(401);
    });

    it('several failures at once are all reported', async () => {
      const dave = await t.customer();
      const gone = await t.createProduct(3);
      const moved = await t.createProduct(4);
      const { id } = await t.placeOrder(dave, [
        { product_id: gone, quantity: 1 },
        { product_id: moved, quantity: 1 },
      ]);
      await t.product.http().delete(`/api/v1/products/${gone}`).set(bearer(t.adminToken));
      await t.product
        .http()
        .patch(`/api/v1/products/${moved}`)
        .set(bearer(t.adminToken))
        .send({ price: 4.01 })
        .expect(200);
      await t.moveOrder(id, 'cancelada');
      await t.users.http().delete(`/api/v1/users/${dave.id}`).set(bearer(t.adminToken)).expect(204);
      const res = await validate(id, serviceKey()).expect(200);
      expect(codesOf(res.body)).toEqual([
        ['order_not_creada'],
        ['user_not_found'],
        ['product_not_found', gone],
        ['price_mismatch', moved],
      ]);
    });

    it('order_not_found: an unknown order is valid:false for a service or an admin, and kept', async () => {
      const unknown = randomUUID();
      for (const auth of [serviceKey(), bearer(t.adminToken)]) {
        const res = await validate(unknown, auth).expect(200);
        expect(res.body).toMatchObject({ order_id: unknown, valid: false });
        expect(codesOf(res.body)).toEqual([['order_not_found']]);
      }
      const kept = await t.validation.http().get(RESULT(unknown)).set(serviceKey()).expect(200);
      expect(codesOf(kept.body)).toEqual([['order_not_found']]);
    });

    it('order_not_found: a customer gets 404 for an unknown order', async () => {
      const unknown = randomUUID();
      const res = await validate(unknown, bearer(alice.token)).expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: 'https://nest-commerce.dev/problems/order-not-found',
        status: 404,
      });
    });
  });

  describe("order.validated: each result reaches the order's history", () => {
    const historyOf = async (orderId: string) =>
      (
        await t.order
          .http()
          .get(`/api/v1/orders/${orderId}/events`)
          .set(bearer(alice.token))
          .expect(200)
      ).body as Array<{ type: string; status: string; cause: string }>;
    const validatedEntries = async (orderId: string) =>
      (await historyOf(orderId)).filter((event) => event.type === 'validated');

    it('a valid and then an invalid result: two `validated` entries, the status untouched', async () => {
      const cheap = await t.createProduct(3.25);
      const { id } = await t.placeOrder(alice, [{ product_id: cheap, quantity: 2 }]);
      await validate(id, bearer(alice.token)).expect(200);
      await eventually(async () => expect(await validatedEntries(id)).toHaveLength(1));
      await t.product
        .http()
        .patch(`/api/v1/products/${cheap}`)
        .set(bearer(t.adminToken))
        .send({ price: 3.5 })
        .expect(200);
      await validate(id, serviceKey()).expect(200);
      await eventually(async () => expect(await validatedEntries(id)).toHaveLength(2));
      expect((await historyOf(id)).map((event) => [event.type, event.status, event.cause])).toEqual(
        [
          ['created', 'creada', expect.any(String)],
          ['validated', 'creada', 'validated: valid'],
          ['validated', 'creada', 'validated: invalid (price_mismatch)'],
        ],
      );
      expect(t.validation.app.get(MemoryOutboxRelay).waiting).toBe(0);
    });

    it('an unknown order publishes nothing: there is no history to record it in', async () => {
      const logs = captureLogs();
      try {
        await validate(randomUUID(), bearer(t.adminToken)).expect(200);
        await sleep(300);
      } finally {
        logs.restore();
      }
      expect(t.validation.app.get(MemoryOutboxRelay).waiting).toBe(0);
      // nothing was refused by the order service either (it would 422 an unknown order)
      expect(logs.text()).not.toContain('refused for good');
    });
  });

  describe('access', () => {
    let orderId: string;
    let bob: Customer;

    beforeAll(async () => {
      bob = await t.customer();
      orderId = (await t.placeOrder(alice, [{ product_id: lamp, quantity: 1 }])).id;
    });

    it('another customer: 404 on validate, exactly as for an unknown order, nothing kept', async () => {
      const res = await validate(orderId, bearer(bob.token)).expect(404);
      const unknown = await validate(randomUUID(), bearer(bob.token)).expect(404);
      expect(res.body.type).toBe(unknown.body.type);
      expect(res.body.detail).toBe(`Order ${orderId} not found`);
      await t.validation.http().get(RESULT(orderId)).set(serviceKey()).expect(404);
    });

    it('another customer: 404 on GET of a kept result', async () => {
      await validate(orderId, bearer(alice.token)).expect(200);
      const res = await t.validation.http().get(RESULT(orderId)).set(bearer(bob.token)).expect(404);
      expect(res.body.type).toBe('https://nest-commerce.dev/problems/validation-not-found');
      await t.validation.http().get(RESULT(orderId)).set(bearer(alice.token)).expect(200);
    });

    it('no token: 401, on both endpoints', async () => {
      const post = await t.validation.http().post(VALIDATE).send({ order_id: orderId }).expect(401);
      expect(post.headers['content-type']).toMatch(/^application\/problem\+json/);
      await t.validation.http().get(RESULT(orderId)).expect(401);
    });

    it('an invalid token, or a wrong service key: 401 (a wrong key is not rescued by a token)', async () => {
      await validate(orderId, bearer('a.b.c')).expect(401);
      await validate(orderId, serviceKey('not-a-key-anybody-accepts')).expect(401);
      await t.validation
        .http()
        .post(VALIDATE)
        .set({ ...bearer(alice.token), ...serviceKey('not-a-key-anybody-accepts') })
        .send({ order_id: orderId })
        .expect(401);
    });

    it('GET for an order never validated: 404 validation-not-found', async () => {
      const res = await t.validation.http().get(RESULT(randomUUID())).set(serviceKey()).expect(404);
      expect(res.body.type).toBe('https://nest-commerce.dev/problems/validation-not-found');
    });
  });

  describe('input', () => {
    it.each([
      [{}, 'order_id'],
      [{ order_id: 'nope' }, 'order_id'],
      [{ order_id: randomUUID(), user_id: randomUUID() }, 'user_id'],
    ])('400 for %j', async (body, field) => {
      const res = await t.validation.http().post(VALIDATE).set(serviceKey()).send(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    });

    it('400 for a non-UUID path id', async () => {
      const res = await t.validation.http().get(RESULT('nope')).set(serviceKey()).expect(400);
      expect(res.body.errors).toEqual([{ field: 'order_id', message: 'order_id must be a UUID' }]);
    });
  });

  describe('operations', () => {
    it('/health reports the three upstreams, up', async () => {
      const res = await t.validation.http().get('/health').expect(200);
      expect(res.body.info).toEqual({
        order: { status: 'up' },
        user: { status: 'up' },
        product: { status: 'up' },
      });
    });

    it('Swagger documents both endpoints, their examples and both credentials', async () => {
      const res = await t.validation.http().get('/docs-json').expect(200);
      const post = res.body.paths['/api/v1/validations/validate'].post;
      const get = res.body.paths['/api/v1/validations/{order_id}'].get;
      for (const op of [post, get]) {
        expect(op.security).toEqual(
          expect.arrayContaining([{ bearer: [] }, { 'service-key': [] }]),
        );
        expect(Object.keys(op.responses)).toEqual(
          expect.arrayContaining(['200', '400', '401', '404', '429']),
        );
      }
      expect(Object.keys(post.responses)).toContain('503');
      expect(Object.keys(post.responses['200'].content['application/json'].examples)).toEqual(
        expect.arrayContaining(['valid', 'invalid', 'orderNotFound']),
      );
      expect(res.body.components.schemas.ValidationResultDto).toBeDefined();
    });
  });

  // Last: it stops the user service for good.
  describe('the user service down', () => {
    it('503 upstream-unavailable naming it, never valid:false; the last result stays', async () => {
      const { id } = await t.placeOrder(alice, [{ product_id: lamp, quantity: 2 }]);
      const before = (await validate(id, serviceKey()).expect(200)).body;
      await t.stopUser();
      const res = await validate(id, serviceKey()).expect(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        type: 'https://nest-commerce.dev/problems/upstream-unavailable',
        status: 503,
        detail: expect.stringContaining('user service'),
      });
      expect(res.body.valid).toBeUndefined();
      expectNoLeak(res.body);
      const kept = await t.validation.http().get(RESULT(id)).set(serviceKey()).expect(200);
      expect(kept.body).toEqual(before);
    });

    it('/health: 503 naming the user service as down, the others up', async () => {
      const res = await t.validation.http().get('/health').expect(503);
      expect(res.body.checks).toMatchObject({
        user: { status: 'down' },
        order: { status: 'up' },
        product: { status: 'up' },
      });
    });
  });
});
