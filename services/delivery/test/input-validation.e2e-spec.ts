import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PAGE_OFFSET_MAX } from '@app/contracts';
import {
  ADDRESS,
  Customer,
  DeliveryTestApp,
  ORDER_KEY,
  PAYMENT_KEY,
  bearer,
  envelope,
  expectNoLeak,
  startDeliveryTestApp,
} from './delivery-test-app';

const DELIVERIES = '/api/v1/deliveries';
const SEED = 2026_12;

/** 400, problem+json, the field named in `errors`, and nothing of the server's insides. */
function expectFieldError(res: request.Response, field: string): void {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.type).toBe('https://nest-commerce.dev/problems/validation-error');
  expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
  expectNoLeak(res.body);
}

/** The JSON of `body` with `"@@"` replaced by a string literal written as is (escapes kept). */
function jsonWith(body: object, literal: string): string {
  return JSON.stringify(body).replace('"@@"', `"${literal}"`);
}

const BAD_ESCAPES = ['\\u0000', '\\ud800', '\\udbff', '\\udc00', '\\udfff'];

/** A string literal (JSON-escaped) with one bad escape put at a generated position. */
const poisonedLiteral = fc
  .record({
    text: fc.string({ maxLength: 20 }),
    at: fc.nat(),
    escape: fc.constantFrom(...BAD_ESCAPES),
  })
  .map(({ text, at, escape }) => {
    const position = at % (text.length + 1);
    const part = (s: string) => JSON.stringify(s).slice(1, -1);
    return part(text.slice(0, position)) + escape + part(text.slice(position));
  });

describe('delivery and order: bad input values are 400 naming the field (e2e, real services)', () => {
  let t: DeliveryTestApp;
  let alice: Customer;

  beforeAll(async () => {
    t = await startDeliveryTestApp();
    alice = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });

  const admin = () => bearer(t.adminToken);

  describe('lone surrogates and NUL in addresses', () => {
    it('a lone surrogate in the delivery address city: 400 address.city, nothing stored', async () => {
      const orderId = await t.placeOrder(alice, { address: null });
      await t.payOrder(orderId);
      const res = await t
        .http()
        .post(DELIVERIES)
        .set(bearer(alice.token))
        .set('Content-Type', 'application/json')
        .send(
          jsonWith({ order_id: orderId, address: { ...ADDRESS, city: '@@' } }, 'Madrid\\ud800'),
        );
      expectFieldError(res, 'address.city');
      expect(await t.query('SELECT id FROM deliveries WHERE order_id = $1', [orderId])).toEqual([]);
    });

    it('any address field, any position, public route and order.paid event (generated)', async () => {
      const orderId = randomUUID();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('street', 'city', 'postal_code', 'country'),
          poisonedLiteral,
          fc.boolean(),
          async (field, literal, event) => {
            const address = { ...ADDRESS, [field]: '@@' };
            const json = event
              ? jsonWith(
                  envelope('order.paid', 'order', orderId, {
                    order_id: orderId,
                    user_id: alice.id,
                    payment_id: randomUUID(),
                    total: 1,
                    shipping_address: address,
                  }),
                  literal,
                )
              : jsonWith({ order_id: orderId, address }, literal);
            const call = event
              ? t.http().post('/api/v1/internal/events').set('X-Service-Key', ORDER_KEY)
              : t.http().post(DELIVERIES).set(bearer(alice.token));
            expectFieldError(
              await call.set('Content-Type', 'application/json').send(json),
              event ? `payload.shipping_address.${field}` : `address.${field}`,
            );
          },
        ),
        { seed: SEED, numRuns: 30 },
      );
      expect(await t.query('SELECT id FROM deliveries WHERE order_id = $1', [orderId])).toEqual([]);
    });

    it("a NUL in the order's shipping address and a surrogate in an item's field name", async () => {
      const address = jsonWith(
        {
          user_id: alice.id,
          items: [{ product_id: randomUUID(), quantity: 1 }],
          shipping_address: { ...ADDRESS, street: '@@' },
        },
        'Calle\\u0000Mayor',
      );
      const res = await t
        .orderHttp()
        .post('/api/v1/orders')
        .set(bearer(alice.token))
        .set('Idempotency-Key', randomUUID())
        .set('Content-Type', 'application/json')
        .send(address);
      expectFieldError(res, 'shipping_address.street');

      const key = `{"user_id":"${alice.id}","items":[{"product_id":"${randomUUID()}","quantity":1,"x\\udc00":1}]}`;
      const keyed = await t
        .orderHttp()
        .post('/api/v1/orders')
        .set(bearer(alice.token))
        .set('Idempotency-Key', randomUUID())
        .set('Content-Type', 'application/json')
        .send(key);
      expectFieldError(keyed, 'items.0.x\\udc00');
    });

    it('a NUL in a tracking number (a path parameter without a DTO)', async () => {
      expectFieldError(await t.http().get(`${DELIVERIES}/track/NC%00`), 'tracking_number');
    });
  });

  describe('offsets beyond the documented maximum, on every list here', () => {
    const lists: [string, () => ReturnType<DeliveryTestApp['http']>, string][] = [
      ['delivery GET /deliveries', () => t.http(), DELIVERIES],
      ['delivery GET /admin/outbox', () => t.http(), '/api/v1/admin/outbox'],
      ['order GET /orders', () => t.orderHttp(), '/api/v1/orders'],
      ['order GET /admin/outbox', () => t.orderHttp(), '/api/v1/admin/outbox'],
    ];

    it.each(lists)('%s', async (_label, http, path) => {
      for (const offset of ['1e20', '99999999999999999999', String(PAGE_OFFSET_MAX + 1), '0x10']) {
        expectFieldError(await http().get(`${path}?offset=${offset}`).set(admin()), 'offset');
      }
      const deepest = await http().get(`${path}?offset=${PAGE_OFFSET_MAX}`).set(admin());
      expect(deepest.status).toBe(200);
      expect(deepest.body).toMatchObject({ items: [], offset: PAGE_OFFSET_MAX });
    });
  });

  describe('null where it means nothing', () => {
    it('PATCH /deliveries/{unknown}/status {status: null} is 400, not 404', async () => {
      const res = await t
        .http()
        .patch(`${DELIVERIES}/${randomUUID()}/status`)
        .set(admin())
        .send({ status: null });
      expectFieldError(res, 'status');
    });

    it('an order line with price null, an event with payment_id null', async () => {
      const line = await t
        .orderHttp()
        .post('/api/v1/orders')
        .set(bearer(alice.token))
        .set('Idempotency-Key', randomUUID())
        .send({
          user_id: alice.id,
          items: [{ product_id: randomUUID(), quantity: 1, price: null }],
        });
      expectFieldError(line, 'items.0.price');

      const orderId = randomUUID();
      const event = await t
        .orderHttp()
        .post('/api/v1/internal/events')
        .set('X-Service-Key', PAYMENT_KEY)
        .send(
          envelope('payment.approved', 'payment', orderId, {
            payment_id: null,
            order_id: orderId,
            amount: 1,
          }),
        );
      // a payload off its contract can never apply: 422, dead-lettered by the sender's relay
      expect(event.status).toBe(422);
      expect(event.body.detail).toMatch(/invalid_payload/);
    });

    it('keeps shipping_address: null meaning "no address"', async () => {
      const orderId = await t.placeOrder(alice, { address: null });
      const placed = await t.orderHttp().get(`/api/v1/orders/${orderId}`).set(admin()).expect(200);
      expect(placed.body.shipping_address).toBeNull();
      const res = await t
        .orderHttp()
        .post('/api/v1/orders')
        .set(bearer(alice.token))
        .set('Idempotency-Key', randomUUID())
        .send({
          user_id: alice.id,
          items: [{ product_id: placed.body.items[0].product_id, quantity: 1 }],
          shipping_address: null,
        });
      expect(res.status).toBe(201);
      expect(res.body.shipping_address).toBeNull();
    });
  });
});
