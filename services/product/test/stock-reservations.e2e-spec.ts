import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ProductTestApp, SERVICE_KEY, expectNoLeak, startProductTestApp } from './product-test-app';

const RESERVATIONS = '/api/v1/stock/reservations';

describe('stock reservations API (e2e)', () => {
  let t: ProductTestApp;
  const http = () => request(t.app.getHttpServer());
  const service = { 'X-Service-Key': SERVICE_KEY };

  async function product(stock: number, price = 10): Promise<string> {
    const res = await http()
      .post('/api/v1/products')
      .set('Authorization', `Bearer ${t.adminToken}`)
      .send({ name: `P${stock}`, price, stock_quantity: stock, category: 'stock-test' })
      .expect(201);
    return res.body.id as string;
  }

  async function stockOf(id: string): Promise<number> {
    const res = await http().get(`/api/v1/products/${id}`).expect(200);
    return res.body.stock_quantity as number;
  }

  function reserve(orderId: string, items: { product_id: string; quantity: number }[]) {
    return http().post(RESERVATIONS).set(service).send({ order_id: orderId, items });
  }

  beforeAll(async () => {
    t = await startProductTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reserves (201), lowering the stock at once, each line priced by the catalog', async () => {
    const a = await product(10, 19.99);
    const b = await product(5, 0.5);
    const orderId = randomUUID();
    const res = await reserve(orderId, [
      { product_id: a, quantity: 3 },
      { product_id: b, quantity: 5 },
    ]).expect(201);
    expect(res.body).toEqual({
      order_id: orderId,
      status: 'reserved',
      items: expect.arrayContaining([
        { product_id: a, quantity: 3, name: 'P10', price: 19.99 },
        { product_id: b, quantity: 5, name: 'P5', price: 0.5 },
      ]),
      created_at: expect.any(String),
      released_at: null,
    });
    expect(await stockOf(a)).toBe(7);
    expect(await stockOf(b)).toBe(0);
    // a replay is priced as the catalog is now; a release's answer has no prices
    await http()
      .patch(`/api/v1/products/${a}`)
      .set('Authorization', `Bearer ${t.adminToken}`)
      .send({ price: 21 })
      .expect(200);
    const replay = await reserve(orderId, [
      { product_id: a, quantity: 3 },
      { product_id: b, quantity: 5 },
    ]).expect(200);
    expect(replay.body.items).toEqual(
      expect.arrayContaining([
        { product_id: a, quantity: 3, name: 'P10', price: 21 },
        { product_id: b, quantity: 5, name: 'P5', price: 0.5 },
      ]),
    );
    const released = await http()
      .post(`${RESERVATIONS}/${orderId}/release`)
      .set(service)
      .expect(200);
    for (const item of released.body.items)
      expect(Object.keys(item).sort()).toEqual(['product_id', 'quantity']);
  });

  it('50 concurrent reservations of 1 unit against stock 10: exactly 10 succeed', async () => {
    const id = await product(10);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => reserve(randomUUID(), [{ product_id: id, quantity: 1 }])),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    expect(await stockOf(id)).toBe(0);
    const conflict = responses.find((r) => r.status === 409)!;
    expect(conflict.headers['content-type']).toContain('application/problem+json');
    expect(conflict.body.items).toEqual([{ product_id: id, requested: 1, available: 0 }]);
    expectNoLeak(conflict.body);
  });

  it('the same order_id twice reserves once (201 then 200), also concurrently', async () => {
    const id = await product(10);
    const orderId = randomUUID();
    const items = [{ product_id: id, quantity: 4 }];
    const first = await reserve(orderId, items).expect(201);
    const again = await reserve(orderId, items).expect(200);
    expect(again.body).toEqual(first.body);
    expect(await stockOf(id)).toBe(6);

    const racing = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => reserve(racing, [{ product_id: id, quantity: 2 }])),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(await stockOf(id)).toBe(4);
  });

  it('the same order_id with other items is 422 and changes nothing', async () => {
    const id = await product(10);
    const orderId = randomUUID();
    await reserve(orderId, [{ product_id: id, quantity: 1 }]).expect(201);
    const res = await reserve(orderId, [{ product_id: id, quantity: 2 }]).expect(422);
    expect(res.body.type).toMatch(/reservation-mismatch$/);
    expect(await stockOf(id)).toBe(9);
  });

  it('all or nothing: one short item changes no stock and lists the short item', async () => {
    const plenty = await product(100);
    const scarce = await product(2);
    const orderId = randomUUID();
    const res = await reserve(orderId, [
      { product_id: plenty, quantity: 5 },
      { product_id: scarce, quantity: 3 },
    ]).expect(409);
    expect(res.body.type).toMatch(/insufficient-stock$/);
    expect(res.body.items).toEqual([{ product_id: scarce, requested: 3, available: 2 }]);
    expect(await stockOf(plenty)).toBe(100);
    expect(await stockOf(scarce)).toBe(2);
    // Nothing was kept: the same order can try again once stock allows it.
    await reserve(orderId, [{ product_id: plenty, quantity: 5 }]).expect(201);
  });

  it('an unknown product is 404 listing it, and nothing is reserved', async () => {
    const known = await product(10);
    const unknown = randomUUID();
    const res = await reserve(randomUUID(), [
      { product_id: known, quantity: 1 },
      { product_id: unknown, quantity: 1 },
    ]).expect(404);
    expect(res.body.type).toMatch(/product-not-found$/);
    expect(res.body.product_ids).toEqual([unknown]);
    expect(await stockOf(known)).toBe(10);
  });

  it('generated mixes of known, short and unknown lines: 404 naming every unknown one, else 409 naming every short one, else 201; nothing taken unless 201', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('fits', 'short', 'unknown'), { minLength: 1, maxLength: 5 }),
        async (kinds) => {
          const lines = await Promise.all(
            kinds.map(async (kind) => ({
              kind,
              id: kind === 'unknown' ? randomUUID() : await product(kind === 'short' ? 1 : 50),
              quantity: kind === 'short' ? 2 : 1,
            })),
          );
          const res = await reserve(
            randomUUID(),
            lines.map((l) => ({ product_id: l.id, quantity: l.quantity })),
          );
          const ids = (kind: string) =>
            lines
              .filter((l) => l.kind === kind)
              .map((l) => l.id)
              .sort();
          if (kinds.includes('unknown')) {
            expect(res.status).toBe(404);
            expect([...res.body.product_ids].sort()).toEqual(ids('unknown'));
          } else if (kinds.includes('short')) {
            expect(res.status).toBe(409);
            expect(res.body.items.map((i: { product_id: string }) => i.product_id).sort()).toEqual(
              ids('short'),
            );
          } else {
            expect(res.status).toBe(201);
          }
          for (const l of lines.filter((l) => l.kind !== 'unknown')) {
            const before = l.kind === 'short' ? 1 : 50;
            expect(await stockOf(l.id)).toBe(res.status === 201 ? before - l.quantity : before);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('release gives the stock back once; a second release is a no-op', async () => {
    const id = await product(10);
    const orderId = randomUUID();
    await reserve(orderId, [{ product_id: id, quantity: 4 }]).expect(201);
    const first = await http().post(`${RESERVATIONS}/${orderId}/release`).set(service).expect(200);
    expect(first.body).toMatchObject({ order_id: orderId, status: 'released' });
    expect(first.body.released_at).toEqual(expect.any(String));
    expect(await stockOf(id)).toBe(10);
    const second = await http().post(`${RESERVATIONS}/${orderId}/release`).set(service).expect(200);
    expect(second.body).toEqual(first.body);
    expect(await stockOf(id)).toBe(10);
    // A released order id never reserves again: 409, no stock taken.
    const again = await reserve(orderId, [{ product_id: id, quantity: 4 }]).expect(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.body).toMatchObject({
      type: 'https://nest-commerce.dev/problems/reservation-released',
      status: 409,
      order_id: orderId,
    });
    expect(await stockOf(id)).toBe(10);
  });

  it('concurrent releases give the stock back once', async () => {
    const id = await product(10);
    const orderId = randomUUID();
    await reserve(orderId, [{ product_id: id, quantity: 6 }]).expect(201);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        http().post(`${RESERVATIONS}/${orderId}/release`).set(service),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await stockOf(id)).toBe(10);
  });

  it('release of an unknown order leaves a tombstone: a late reservation of it is 409, no stock taken', async () => {
    const id = await product(10);
    const orderId = randomUUID();
    const res = await http().post(`${RESERVATIONS}/${orderId}/release`).set(service).expect(200);
    expect(res.body).toEqual({
      order_id: orderId,
      status: 'released',
      items: [],
      created_at: expect.any(String),
      released_at: expect.any(String),
    });
    const again = await http().post(`${RESERVATIONS}/${orderId}/release`).set(service).expect(200);
    expect(again.body).toEqual(res.body);
    const late = await reserve(orderId, [{ product_id: id, quantity: 3 }]).expect(409);
    expect(late.body.type).toMatch(/reservation-released$/);
    expectNoLeak(late.body);
    expect(await stockOf(id)).toBe(10);
  });

  it('a reservation racing the release of the same new order: whichever wins, no stock stays taken', async () => {
    const id = await product(1000);
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const orderId = randomUUID();
        const reserving = reserve(orderId, [{ product_id: id, quantity: 2 }]);
        const releasing = http().post(`${RESERVATIONS}/${orderId}/release`).set(service);
        // half of them send the release first
        const [reserved, released] =
          i % 2 === 0
            ? await Promise.all([reserving, releasing])
            : (await Promise.all([releasing, reserving])).reverse();
        expect(released.status).toBe(200);
        if (reserved.status === 201) {
          // the reservation came first: the release gave its stock back
          expect(released.body.items).toEqual([{ product_id: id, quantity: 2 }]);
        } else {
          // the release came first: its tombstone refused the reservation
          expect(reserved.status).toBe(409);
          expect(reserved.body.type).toMatch(/reservation-released$/);
          expect(released.body.items).toEqual([]);
        }
        return reserved.status;
      }),
    );
    expect(outcomes.length).toBe(40);
    expect(await stockOf(id)).toBe(1000);
  });

  it('a non-UUID order id is 400 on release', async () => {
    const bad = await http().post(`${RESERVATIONS}/nope/release`).set(service).expect(400);
    expect((bad.body.errors as { field: string }[])[0].field).toBe('order_id');
  });

  it('needs the service key: 401 without it, with a wrong one, or with a user token', async () => {
    const id = await product(10);
    const body = { order_id: randomUUID(), items: [{ product_id: id, quantity: 1 }] };
    await http().post(RESERVATIONS).send(body).expect(401);
    await http().post(RESERVATIONS).set('X-Service-Key', 'wrong').send(body).expect(401);
    await http()
      .post(RESERVATIONS)
      .set('Authorization', `Bearer ${t.customerToken}`)
      .send(body)
      .expect(401);
    await http()
      .post(RESERVATIONS)
      .set('Authorization', `Bearer ${t.adminToken}`)
      .send(body)
      .expect(401);
    await http().post(`${RESERVATIONS}/${body.order_id}/release`).expect(401);
    expect(await stockOf(id)).toBe(10);
  });

  it.each([
    [
      'a duplicate product id',
      'items',
      (id: string) => [
        { product_id: id, quantity: 1 },
        { product_id: id, quantity: 1 },
      ],
    ],
    ['quantity 0', 'items', (id: string) => [{ product_id: id, quantity: 0 }]],
    ['quantity 1001', 'items', (id: string) => [{ product_id: id, quantity: 1001 }]],
    ['no items', 'items', () => []],
  ])('rejects %s with 400', async (_label, field, items) => {
    const id = await product(10);
    const res = await reserve(randomUUID(), items(id)).expect(400);
    expect((res.body.errors as { field: string }[])[0].field).toMatch(new RegExp(`^${field}`));
    expect(await stockOf(id)).toBe(10);
  });

  it('rejects a non-UUID order_id with 400', async () => {
    const res = await reserve('order-1', [{ product_id: randomUUID(), quantity: 1 }]).expect(400);
    expect((res.body.errors as { field: string }[])[0].field).toBe('order_id');
  });
});
