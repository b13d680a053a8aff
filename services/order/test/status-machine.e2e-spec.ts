import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import {
  ORDER_STATUS_VALUES,
  OrderStatus,
  canTransition,
} from '../src/domain/entities/order-status';
import { Customer, OrderTestApp, VALIDATION_KEY, startOrderTestApp } from './order-test-app';

const ORDERS = '/api/v1/orders';
const INTERNAL = '/api/v1/internal/orders';

/** The canonical way into each status (the moves of the table). */
const PATH: Record<OrderStatus, OrderStatus[]> = {
  creada: [],
  pagada: ['pagada'],
  enviada: ['pagada', 'enviada'],
  entregada: ['pagada', 'enviada', 'entregada'],
  cancelada: ['cancelada'],
};

/** The statuses other services' facts lead to (cancelada comes from the cancel endpoint). */
type FactTarget = 'pagada' | 'enviada' | 'entregada';
const FACT_TARGETS: FactTarget[] = ['pagada', 'enviada', 'entregada'];

const STATUS_EVENT: Record<FactTarget, string> = {
  pagada: 'paid',
  enviada: 'shipped',
  entregada: 'delivered',
};

const PAIRS = ORDER_STATUS_VALUES.flatMap((from) =>
  FACT_TARGETS.map((to) => [from, to] as [OrderStatus, FactTarget]),
);

describe('order status machine (e2e)', () => {
  let t: OrderTestApp;
  let alice: Customer;
  let product: string;
  const DELIVERY = randomUUID();
  const http = () => request(t.app.getHttpServer());

  /** The fact of another service that leads to `status` (payment approved, delivery moved). */
  function send(orderId: string, status: OrderStatus, eventId: string = randomUUID()) {
    const ids = { order_id: orderId };
    switch (status) {
      case 'pagada':
        return t.sendEvent(
          'payment.approved',
          { payment_id: randomUUID(), ...ids, amount: 2.5 },
          { id: eventId },
        );
      case 'enviada':
        return t.sendEvent(
          'delivery.in_transit',
          { delivery_id: DELIVERY, ...ids },
          { id: eventId },
        );
      case 'entregada':
        return t.sendEvent(
          'delivery.delivered',
          { delivery_id: DELIVERY, ...ids },
          { id: eventId },
        );
      case 'cancelada':
        return http()
          .post(`${ORDERS}/${orderId}/cancel`)
          .set('Authorization', `Bearer ${alice.token}`);
      case 'creada':
        throw new Error('no fact leads back to creada');
    }
  }

  async function events(orderId: string): Promise<Array<{ type: string; status: string }>> {
    const res = await http()
      .get(`${ORDERS}/${orderId}/events`)
      .set('Authorization', `Bearer ${alice.token}`)
      .expect(200);
    return res.body;
  }

  async function statusOf(orderId: string): Promise<string> {
    const res = await http()
      .get(`${INTERNAL}/${orderId}`)
      .set('X-Service-Key', VALIDATION_KEY)
      .expect(200);
    return res.body.status;
  }

  async function orderIn(status: OrderStatus): Promise<string> {
    const res = await http()
      .post(ORDERS)
      .set('Authorization', `Bearer ${alice.token}`)
      .send({ user_id: alice.id, items: [{ product_id: product, quantity: 1 }] })
      .expect(201);
    for (const step of PATH[status]) await send(res.body.id, step).expect(200);
    expect(await statusOf(res.body.id)).toBe(status);
    return res.body.id;
  }

  beforeAll(async () => {
    t = await startOrderTestApp();
    alice = await t.customer();
    product = await t.createProduct(2.5, 1000);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('through the other services’ facts, every status × every fact', () => {
    it.each(PAIRS)('%s → %s', async (from, to) => {
      const id = await orderIn(from);
      const before = await events(id);
      const outboxBefore = (await t.outbox(id)).length;
      const res = await send(id, to);
      const after = await events(id);
      if (canTransition(from, to)) {
        // one of the moves: applied, one event more
        expect(res.status).toBe(200);
        expect(after).toHaveLength(before.length + 1);
        expect(after[after.length - 1].status).toBe(to);
      } else if (PATH[from].includes(to)) {
        // already reached or passed: a late or repeated fact, a no-op (documented rule)
        expect(res.status).toBe(200);
        expect(after).toEqual(before);
      } else if (from === 'cancelada' && to === 'pagada') {
        // a payment approved for an order cancelled before it was paid: the cancellation is
        // stated again (payment refunds), the order stays cancelled, its history unchanged
        expect(res.status).toBe(200);
        expect(after).toEqual(before);
        const restated = (await t.outbox(id)).slice(outboxBefore);
        expect(restated.map((m) => [m.type, m.destination])).toEqual([
          ['order.cancelled', 'product'],
          ['order.cancelled', 'payment'],
          ['order.cancelled', 'delivery'],
        ]);
      } else if (from === 'cancelada' || from === 'entregada') {
        // a final status: the fact can never apply; acknowledged and ignored, never dead-lettered
        expect(res.status).toBe(200);
        expect(after).toEqual(before);
        expect((await t.outbox(id)).length).toBe(outboxBefore);
      } else {
        // not yet (delivered before shipped): 503, recorded nowhere, delivered again later
        expect(res.status).toBe(503);
        expect(res.body.detail).toMatch(/order_not_caught_up/);
        expect(after).toEqual(before);
      }
      // whatever happened, never backwards
      expect(await statusOf(id)).toBe(canTransition(from, to) ? to : from);
    });
  });

  describe('through the cancel endpoint, from each status', () => {
    it.each(ORDER_STATUS_VALUES)('from %s', async (from) => {
      const id = await orderIn(from);
      const res = await http()
        .post(`${ORDERS}/${id}/cancel`)
        .set('Authorization', `Bearer ${alice.token}`);
      if (from === 'creada' || from === 'pagada') {
        expect(res.status).toBe(200);
        expect(res.body.status).toBe('cancelada');
      } else {
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({
          type: 'https://nest-commerce.dev/problems/illegal-transition',
          current_status: from,
          requested_status: 'cancelada',
        });
        expect(await statusOf(id)).toBe(from);
      }
    });
  });

  describe('facts', () => {
    it('a repeated event applies once: 200 duplicate, no second history entry', async () => {
      const id = await orderIn('creada');
      const eventId = randomUUID();
      expect((await send(id, 'pagada', eventId).expect(200)).body.status).toBe('applied');
      expect((await send(id, 'pagada', eventId).expect(200)).body.status).toBe('duplicate');
      expect((await events(id)).map((e) => e.type)).toEqual(['created', 'paid']);
    });

    it('a repeated event does not re-apply even when the order has moved on', async () => {
      const id = await orderIn('creada');
      const paid = randomUUID();
      await send(id, 'pagada', paid).expect(200);
      await send(id, 'enviada').expect(200);
      expect((await send(id, 'pagada', paid).expect(200)).body.status).toBe('duplicate');
      expect(await statusOf(id)).toBe('enviada');
    });

    it('the same event delivered 8 times concurrently applies once', async () => {
      const id = await orderIn('creada');
      const eventId = randomUUID();
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => send(id, 'pagada', eventId)),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(responses.filter((r) => r.body.status === 'applied')).toHaveLength(1);
      expect((await events(id)).map((e) => e.type)).toEqual(['created', 'paid']);
    });

    it('a payment racing a cancel serializes on the order: no deadlock, no 5xx, one refund asked either way', async () => {
      for (let round = 0; round < 5; round++) {
        const id = await orderIn('creada');
        const [pay, cancel] = await Promise.all([send(id, 'pagada'), send(id, 'cancelada')]);
        expect([pay.status, cancel.status]).toEqual([200, 200]);
        const history = (await events(id)).map((e) => e.status);
        const paidFirst = history.includes('pagada');
        expect(history).toEqual(
          paidFirst ? ['creada', 'pagada', 'cancelada'] : ['creada', 'cancelada'],
        );
        // payment hears of the cancellation after the approval: once (paid first) or twice
        // (cancelled first, then stated again when the late payment arrived); it refunds once
        const toPayment = (await t.outbox(id)).filter((m) => m.destination === 'payment');
        expect(toPayment.map((m) => m.type)).toEqual(
          paidFirst ? ['order.cancelled'] : ['order.cancelled', 'order.cancelled'],
        );
      }
    });

    it('the cancel endpoint releases the stock through order.cancelled, from creada and from pagada', async () => {
      const own = await t.createProduct(1, 10);
      for (const from of ['creada', 'pagada'] as OrderStatus[]) {
        const order = await http()
          .post(ORDERS)
          .set('Authorization', `Bearer ${alice.token}`)
          .send({ user_id: alice.id, items: [{ product_id: own, quantity: 3 }] })
          .expect(201);
        for (const step of PATH[from]) await send(order.body.id, step).expect(200);
        expect(await t.stockOf(own)).toBe(7);
        await send(order.body.id, 'cancelada').expect(200);
        await t.drainAll();
        expect(await t.stockOf(own)).toBe(10);
      }
    });

    it('duplicated and shuffled facts end where the facts in order end (generated)', async () => {
      type Fact = 'validated' | FactTarget;
      const CHAIN: FactTarget[] = ['pagada', 'enviada', 'entregada'];
      const story = fc
        .record({
          reached: fc.integer({ min: 0, max: 3 }),
          validated: fc.boolean(),
          copies: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 4 }),
          seed: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
            minLength: 12,
            maxLength: 12,
          }),
        })
        .map(({ reached, validated, copies, seed }) => {
          const facts: Fact[] = [
            ...(validated ? ['validated' as const] : []),
            ...CHAIN.slice(0, reached),
          ];
          // each fact is one event (one id), delivered 1-3 times, in a shuffled order
          const deliveries = facts.flatMap((fact, n) =>
            Array.from({ length: copies[n] }, () => ({ fact, id: `${n}` })),
          );
          const shuffled = deliveries
            .map((d, n) => ({ d, key: seed[n % seed.length] + n / 1000 }))
            .sort((a, b) => a.key - b.key)
            .map(({ d }) => d);
          return { facts, shuffled, reached };
        });

      await fc.assert(
        fc.asyncProperty(story, async ({ facts, shuffled, reached }) => {
          const id = await orderIn('creada');
          const ids = new Map(facts.map((fact, n) => [`${n}`, randomUUID()]));
          const deliver = (fact: Fact, eventId: string) =>
            fact === 'validated'
              ? t.sendEvent(
                  'order.validated',
                  { order_id: id, valid: true, errors: [], validated_at: new Date().toISOString() },
                  { id: eventId },
                )
              : send(id, fact, eventId);
          // the transport: 200 is acknowledged, 503 comes again later (after the rest)
          const queue = [...shuffled];
          for (let turns = 0; queue.length > 0; turns++) {
            if (turns > 100) throw new Error('facts never converged');
            const next = queue.shift()!;
            const res = await deliver(next.fact, ids.get(next.id)!);
            if (res.status === 503) queue.push(next);
            else expect(res.status).toBe(200);
          }
          const expected: OrderStatus = reached === 0 ? 'creada' : CHAIN[reached - 1];
          expect(await statusOf(id)).toBe(expected);
          const types = (await events(id)).map((e) => e.type);
          const inOrder = [
            'created',
            ...facts.map((f) => (f === 'validated' ? 'validated' : STATUS_EVENT[f])),
          ];
          expect([...types].sort()).toEqual([...inOrder].sort());
          // the moves themselves are in table order whatever the arrival order
          expect(types.filter((type) => type !== 'validated')).toEqual(
            inOrder.filter((type) => type !== 'validated'),
          );
        }),
        { numRuns: 25 },
      );
    });
  });

  describe('service credentials', () => {
    it('internal endpoints refuse user tokens (even admin) and wrong keys with 401', async () => {
      const id = await orderIn('creada');
      for (const headers of [
        { Authorization: `Bearer ${alice.token}` },
        { Authorization: `Bearer ${t.adminToken}` },
        { 'X-Service-Key': 'not-a-configured-key-at-all' },
        {},
      ]) {
        const get = await http().get(`${INTERNAL}/${id}`).set(headers);
        expect(get.status).toBe(401);
        const post = await http().post('/api/v1/internal/events').set(headers).send({});
        expect(post.status).toBe(401);
        expect(post.headers['content-type']).toContain('application/problem+json');
      }
      expect(await statusOf(id)).toBe('creada');
    });

    it('the internal read returns any order to a service', async () => {
      const id = await orderIn('creada');
      const res = await http()
        .get(`${INTERNAL}/${id}`)
        .set('X-Service-Key', VALIDATION_KEY)
        .expect(200);
      expect(res.body).toMatchObject({ id, user_id: alice.id, status: 'creada', total: 2.5 });
      await http()
        .get(`${INTERNAL}/${randomUUID()}`)
        .set('X-Service-Key', VALIDATION_KEY)
        .expect(404);
    });
  });
});
