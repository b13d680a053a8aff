import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { TestTokenIssuer } from '@app/testing';
import {
  RunningService,
  bearer,
  createProduct,
  expectNoLeak,
  freePort,
  startCart,
  startProduct,
} from './cart-test-app';

const CARTS = '/api/v1/carts';

function expectProblem(res: Response, status: number, type: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.type).toBe(`https://nest-commerce.dev/problems/${type}`);
  expectNoLeak(res.body);
}

describe('carts API (e2e, real product service)', () => {
  let issuer: TestTokenIssuer;
  let product: RunningService;
  let cart: RunningService;
  let admin: string;
  const http = () => cart.http();

  async function customer(): Promise<{ id: string; token: string }> {
    const id = randomUUID();
    return { id, token: await issuer.customer(id) };
  }

  async function openCart(token: string): Promise<string> {
    const res = await http().post(`${CARTS}/`).set(bearer(token));
    if (![200, 201].includes(res.status)) throw new Error(`open cart: ${res.status} ${res.text}`);
    return res.body.id as string;
  }

  function add(token: string, cartId: string, productId: string, quantity: number) {
    return http()
      .post(`${CARTS}/${cartId}/items`)
      .set(bearer(token))
      .send({ product_id: productId, quantity });
  }

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    product = await startProduct(issuer);
    // Nothing here checks out: the order service is a closed port.
    const orderUrl = `http://127.0.0.1:${await freePort()}`;
    cart = await startCart(issuer, { productUrl: product.url, orderUrl });
    admin = await issuer.admin();
  });
  afterAll(async () => {
    await cart?.close();
    await product?.close();
    await issuer?.stop();
  });

  describe('POST /carts/', () => {
    it('opens the caller’s active cart (201), then answers the same cart (200)', async () => {
      const me = await customer();
      const first = await http().post(`${CARTS}/`).set(bearer(me.token)).expect(201);
      expect(first.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        user_id: me.id,
        status: 'active',
        items: [],
        total: 0,
        order_id: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      const again = await http().post(CARTS).set(bearer(me.token)).expect(200);
      expect(again.body.id).toBe(first.body.id);
    });

    it('gives one cart to 10 concurrent calls of one user: one 201, nine 200', async () => {
      const me = await customer();
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => http().post(`${CARTS}/`).set(bearer(me.token))),
      );
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(answers.map((r) => r.body.id)).size).toBe(1);
    });

    it('treats the subject case-insensitively, and refuses one that is not a user id (403)', async () => {
      const id = randomUUID();
      const upper = await issuer.customer(id.toUpperCase());
      const lower = await issuer.customer(id);
      const opened = await http().post(`${CARTS}/`).set(bearer(upper)).expect(201);
      expect(opened.body.user_id).toBe(id);
      await http().get(`${CARTS}/${opened.body.id}`).set(bearer(upper)).expect(200);
      await http().post(`${CARTS}/`).set(bearer(lower)).expect(200);
      const odd = await issuer.mint({ sub: 'not-a-uuid' });
      expectProblem(await http().post(`${CARTS}/`).set(bearer(odd)), 403, 'invalid-cart-owner');
    });

    it('needs a valid bearer token (401)', async () => {
      expectProblem(await http().post(`${CARTS}/`), 401, 'unauthorized');
      const foreign = await issuer.mint({ foreignKey: true });
      expectProblem(await http().post(`${CARTS}/`).set(bearer(foreign)), 401, 'unauthorized');
    });
  });

  describe('GET /carts/{id}', () => {
    it('shows the cart to its owner and to an admin, 404 to another customer', async () => {
      const owner = await customer();
      const other = await customer();
      const cartId = await openCart(owner.token);
      await http().get(`${CARTS}/${cartId}`).set(bearer(owner.token)).expect(200);
      const asAdmin = await http().get(`${CARTS}/${cartId}`).set(bearer(admin)).expect(200);
      expect(asAdmin.body.user_id).toBe(owner.id);
      expectProblem(
        await http().get(`${CARTS}/${cartId}`).set(bearer(other.token)),
        404,
        'cart-not-found',
      );
      expectProblem(
        await http().get(`${CARTS}/${randomUUID()}`).set(bearer(owner.token)),
        404,
        'cart-not-found',
      );
      const bad = await http().get(`${CARTS}/not-a-uuid`).set(bearer(owner.token));
      expectProblem(bad, 400, 'validation-error');
      expect(bad.body.errors).toEqual([{ field: 'cart_id', message: 'cart_id must be a UUID' }]);
    });
  });

  describe('POST /carts/{id}/items', () => {
    it('totals exactly: 3 × 19.99 + 1 × 5.50 = 65.47', async () => {
      const me = await customer();
      const cartId = await openCart(me.token);
      const a = await createProduct(product, admin, {
        name: 'Lamp',
        price: 19.99,
        stock_quantity: 10,
      });
      const b = await createProduct(product, admin, {
        name: 'Bulb',
        price: 5.5,
        stock_quantity: 10,
      });
      await add(me.token, cartId, a, 3).expect(200);
      const res = await add(me.token, cartId, b, 1).expect(200);
      expect(res.body.items).toEqual([
        { product_id: a, name: 'Lamp', unit_price: 19.99, quantity: 3, subtotal: 59.97 },
        { product_id: b, name: 'Bulb', unit_price: 5.5, quantity: 1, subtotal: 5.5 },
      ]);
      expect(res.body.total).toBe(65.47);
      const read = await http().get(`${CARTS}/${cartId}`).set(bearer(me.token)).expect(200);
      expect(read.body.total).toBe(65.47);
    });

    it('answers 404 for a product the catalog does not know, storing nothing', async () => {
      const me = await customer();
      const cartId = await openCart(me.token);
      const missing = randomUUID();
      const res = await add(me.token, cartId, missing, 1);
      expectProblem(res, 404, 'product-not-found');
      expect(res.body.product_ids).toEqual([missing]);
      const read = await http().get(`${CARTS}/${cartId}`).set(bearer(me.token)).expect(200);
      expect(read.body.items).toEqual([]);
    });

    it('answers 409 for more than the stock, also counting what the cart already holds', async () => {
      const me = await customer();
      const cartId = await openCart(me.token);
      const id = await createProduct(product, admin, { price: 1, stock_quantity: 5 });
      const tooMany = await add(me.token, cartId, id, 6);
      expectProblem(tooMany, 409, 'insufficient-stock');
      expect(tooMany.body.items).toEqual([{ product_id: id, requested: 6, available: 5 }]);

      await add(me.token, cartId, id, 3).expect(200);
      const summed = await add(me.token, cartId, id, 3);
      expectProblem(summed, 409, 'insufficient-stock');
      expect(summed.body.items).toEqual([{ product_id: id, requested: 6, available: 5 }]);
      const ok = await add(me.token, cartId, id, 2).expect(200);
      expect(ok.body.items[0].quantity).toBe(5);
    });

    it('adds to the quantity of a product already in the cart', async () => {
      const me = await customer();
      const cartId = await openCart(me.token);
      const id = await createProduct(product, admin, { price: 2.5, stock_quantity: 50 });
      await add(me.token, cartId, id, 2).expect(200);
      const res = await add(me.token, cartId, id, 3).expect(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({ product_id: id, quantity: 5, subtotal: 12.5 }),
      ]);
    });

    it('loses no update when the same product is added 20 times concurrently', async () => {
      const me = await customer();
      const cartId = await openCart(me.token);
      const id = await createProduct(product, admin, { price: 1, stock_quantity: 100 });
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => add(me.token, cartId, id, 1)),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
      const read = await http().get(`${CARTS}/${cartId}`).set(bearer(me.token)).expect(200);
      expect(read.body.items).toEqual([expect.objectContaining({ product_id: id, quantity: 20 })]);
    });

    it('keeps every line when different products are added concurrently (each add sees the others)', async () => {
      const me = await customer();
      const cartId = await openCart(me.token);
      const ids = await Promise.all(
        Array.from({ length: 8 }, () =>
          createProduct(product, admin, { price: 1, stock_quantity: 10 }),
        ),
      );
      const answers = await Promise.all(ids.map((id, i) => add(me.token, cartId, id, i + 1)));
      expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
      const read = await http().get(`${CARTS}/${cartId}`).set(bearer(me.token)).expect(200);
      const held = Object.fromEntries(
        (read.body.items as Array<{ product_id: string; quantity: number }>).map((item) => [
          item.product_id,
          item.quantity,
        ]),
      );
      expect(held).toEqual(Object.fromEntries(ids.map((id, i) => [id, i + 1])));
    });

    it('keeps the name and price seen when the line was added', async () => {
      const me = await customer();
      const cartId = await openCart(me.token);
      const id = await createProduct(product, admin, { name: 'Old', price: 10, stock_quantity: 9 });
      await add(me.token, cartId, id, 1).expect(200);
      await product
        .http()
        .patch(`/api/v1/products/${id}`)
        .set(bearer(admin))
        .send({ name: 'New', price: 12.34 })
        .expect(200);
      const read = await http().get(`${CARTS}/${cartId}`).set(bearer(me.token)).expect(200);
      expect(read.body.items[0]).toMatchObject({ name: 'Old', unit_price: 10 });
      // touching the line again takes the catalog's current name and price
      const again = await add(me.token, cartId, id, 1).expect(200);
      expect(again.body.items[0]).toMatchObject({ name: 'New', unit_price: 12.34, quantity: 2 });
      expect(again.body.total).toBe(24.68);
    });

    it("answers 404 for another customer's cart and changes nothing; an admin may read it", async () => {
      const owner = await customer();
      const other = await customer();
      const cartId = await openCart(owner.token);
      const id = await createProduct(product, admin, { price: 3, stock_quantity: 5 });
      expectProblem(await add(other.token, cartId, id, 1), 404, 'cart-not-found');
      const asAdmin = await http().get(`${CARTS}/${cartId}`).set(bearer(admin)).expect(200);
      expect(asAdmin.body.items).toEqual([]);
    });

    it.each([
      ['quantity', { quantity: 0 }],
      ['quantity', { quantity: 1001 }],
      ['quantity', { quantity: 2.5 }],
      ['product_id', { product_id: 'nope' }],
      ['price', { price: 0.01 }],
    ])('answers 400 naming %s for %p', async (field, patch) => {
      const me = await customer();
      const cartId = await openCart(me.token);
      const res = await http()
        .post(`${CARTS}/${cartId}/items`)
        .set(bearer(me.token))
        .send({ product_id: randomUUID(), quantity: 1, ...patch });
      expectProblem(res, 400, 'validation-error');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    });

    it('answers 409 when a line would hold more than 1000 units', async () => {
      const me = await customer();
      const cartId = await openCart(me.token);
      const id = await createProduct(product, admin, { price: 1, stock_quantity: 5000 });
      await add(me.token, cartId, id, 1000).expect(200);
      expectProblem(await add(me.token, cartId, id, 1), 409, 'cart-line-limit-exceeded');
    });
  });

  describe('PATCH and DELETE items', () => {
    it('sets a quantity (stock checked), removes a line, empties the cart', async () => {
      const me = await customer();
      const cartId = await openCart(me.token);
      const a = await createProduct(product, admin, { price: 4, stock_quantity: 5 });
      const b = await createProduct(product, admin, { price: 1.1, stock_quantity: 5 });
      await add(me.token, cartId, a, 1).expect(200);
      await add(me.token, cartId, b, 1).expect(200);

      const patched = await http()
        .patch(`${CARTS}/${cartId}/items/${a}`)
        .set(bearer(me.token))
        .send({ quantity: 4 })
        .expect(200);
      expect(patched.body.total).toBe(17.1);
      const short = await http()
        .patch(`${CARTS}/${cartId}/items/${a}`)
        .set(bearer(me.token))
        .send({ quantity: 6 });
      expectProblem(short, 409, 'insufficient-stock');
      expectProblem(
        await http()
          .patch(`${CARTS}/${cartId}/items/${randomUUID()}`)
          .set(bearer(me.token))
          .send({ quantity: 1 }),
        404,
        'cart-item-not-found',
      );
      expectProblem(
        await http()
          .patch(`${CARTS}/${cartId}/items/${a}`)
          .set(bearer(me.token))
          .send({ quantity: 0 }),
        400,
        'validation-error',
      );

      const removed = await http()
        .delete(`${CARTS}/${cartId}/items/${a}`)
        .set(bearer(me.token))
        .expect(200);
      expect(removed.body.items.map((i: { product_id: string }) => i.product_id)).toEqual([b]);
      expect(removed.body.total).toBe(1.1);
      expectProblem(
        await http().delete(`${CARTS}/${cartId}/items/${a}`).set(bearer(me.token)),
        404,
        'cart-item-not-found',
      );

      const emptied = await http()
        .delete(`${CARTS}/${cartId}/items`)
        .set(bearer(me.token))
        .expect(200);
      expect(emptied.body).toMatchObject({ items: [], total: 0, status: 'active' });
    });

    it("refuses another customer's changes with 404", async () => {
      const owner = await customer();
      const other = await customer();
      const cartId = await openCart(owner.token);
      const id = await createProduct(product, admin, { price: 1, stock_quantity: 5 });
      await add(owner.token, cartId, id, 1).expect(200);
      for (const res of [
        await http()
          .patch(`${CARTS}/${cartId}/items/${id}`)
          .set(bearer(other.token))
          .send({ quantity: 2 }),
        await http().delete(`${CARTS}/${cartId}/items/${id}`).set(bearer(other.token)),
        await http().delete(`${CARTS}/${cartId}/items`).set(bearer(other.token)),
        await http().post(`${CARTS}/${cartId}/checkout`).set(bearer(other.token)).send({}),
      ]) {
        expectProblem(res, 404, 'cart-not-found');
      }
      const read = await http().get(`${CARTS}/${cartId}`).set(bearer(owner.token)).expect(200);
      expect(read.body.items).toEqual([expect.objectContaining({ quantity: 1 })]);
    });
  });

  it('checkout of an empty cart is 422 cart-empty', async () => {
    const me = await customer();
    const cartId = await openCart(me.token);
    expectProblem(
      await http().post(`${CARTS}/${cartId}/checkout`).set(bearer(me.token)).send({}),
      422,
      'cart-empty',
    );
    // no body at all is the same as {}
    expectProblem(
      await http().post(`${CARTS}/${cartId}/checkout`).set(bearer(me.token)),
      422,
      'cart-empty',
    );
  });

  it('documents every endpoint in OpenAPI', async () => {
    const res = await http().get('/docs-json').expect(200);
    const paths = res.body.paths as Record<
      string,
      Record<string, { responses: Record<string, unknown> }>
    >;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/carts',
        '/api/v1/carts/{cart_id}',
        '/api/v1/carts/{cart_id}/items',
        '/api/v1/carts/{cart_id}/items/{product_id}',
        '/api/v1/carts/{cart_id}/checkout',
      ]),
    );
    const checkout = paths['/api/v1/carts/{cart_id}/checkout'].post.responses;
    expect(Object.keys(checkout)).toEqual(
      expect.arrayContaining(['200', '201', '400', '401', '404', '409', '422', '503']),
    );
    const conflict = checkout['409'] as {
      content: Record<string, { examples: Record<string, { value: { type: string } }> }>;
    };
    expect(
      Object.values(conflict.content['application/problem+json'].examples).map((e) => e.value.type),
    ).toContain('https://nest-commerce.dev/problems/insufficient-stock');
  });
});

describe('carts API when the product service is down (e2e)', () => {
  let issuer: TestTokenIssuer;
  let product: RunningService;
  let cart: RunningService;

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    product = await startProduct(issuer);
    const orderUrl = `http://127.0.0.1:${await freePort()}`;
    cart = await startCart(issuer, { productUrl: product.url, orderUrl });
  });
  afterAll(async () => {
    await cart?.close();
    await product?.close();
    await issuer?.stop();
  });

  it('answers 503 upstream-unavailable and stores nothing', async () => {
    const admin = await issuer.admin();
    const userId = randomUUID();
    const token = await issuer.customer(userId);
    const id = await createProduct(product, admin, { price: 7, stock_quantity: 5 });
    const cartId = (await cart.http().post(CARTS).set(bearer(token)).expect(201)).body.id;
    await cart
      .http()
      .post(`${CARTS}/${cartId}/items`)
      .set(bearer(token))
      .send({ product_id: id, quantity: 1 })
      .expect(200);

    // The product service stops (its database stays until afterAll).
    await product.app.close();

    const started = Date.now();
    const res = await cart
      .http()
      .post(`${CARTS}/${cartId}/items`)
      .set(bearer(token))
      .send({ product_id: id, quantity: 2 });
    expectProblem(res, 503, 'upstream-unavailable');
    expect(Date.now() - started).toBeLessThan(10_000);
    const patch = await cart
      .http()
      .patch(`${CARTS}/${cartId}/items/${id}`)
      .set(bearer(token))
      .send({ quantity: 3 });
    expectProblem(patch, 503, 'upstream-unavailable');

    const read = await cart.http().get(`${CARTS}/${cartId}`).set(bearer(token)).expect(200);
    expect(read.body.items).toEqual([expect.objectContaining({ product_id: id, quantity: 1 })]);
    expect(read.body.total).toBe(7);
  });
});
