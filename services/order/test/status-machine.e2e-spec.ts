import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  ORDER_STATUS_VALUES,
  OrderStatus,
  canTransition,
} from '../src/domain/entities/order-status';
import {
  Customer,
  DELIVERY_KEY,
  OrderTestApp,
  PAYMENT_KEY,
  VALIDATION_KEY,
  startOrderTestApp,
} from './order-test-app';

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

const PAIRS = ORDER_STATUS_VALUES.flatMap((from) =>
  ORDER_STATUS_VALUES.map((to) => [from, to] as [OrderStatus, OrderStatus]),
);

describe('order status machine (e2e)', () => {
  let t: OrderTestApp;
  let alice: Customer;
  let product: string;
  const http = () => request(t.app.getHttpServer());

  function send(orderId: string, status: OrderStatus, messageId = randomUUID(), key = PAYMENT_KEY) {
    return http()
      .post(`${INTERNAL}/${orderId}/status`)
      .set('X-Service-Key', key)
      .send({ message_id: messageId, status, cause: `test: to ${status}` });
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

  describe('through the internal endpoint, every one of the 25 pairs', () => {
    it.each(PAIRS)('%s → %s', async (from, to) => {
      const id = await orderIn(from);
      const before = await events(id);
      const res = await send(id, to);
      const after = await events(id);
      if (canTransition(from, to)) {
        // one of the five moves: applied, one event more
        expect(res.status).toBe(200);
        expect(res.headers['x-status-change']).toBe('applied');
        expect(res.body.status).toBe(to);
        expect(after).toHaveLength(before.length + 1);
        expect(after[after.length - 1].status).toBe(to);
      } else if (to === from || PATH[from].includes(to) || to === 'creada') {
        // already reached or passed: a late or repeated message, a no-op (documented rule)
        expect(res.status).toBe(200);
        expect(res.headers['x-status-change']).toBe('already_reached');
        expect(res.body.status).toBe(from);
        expect(after).toEqual(before);
      } else if (from === 'cancelada' && to === 'pagada') {
        // a payment approved for an order cancelled before it was paid: refunded, still cancelled
        expect(res.status).toBe(200);
        expect(res.headers['x-status-change']).toBe('refund_requested');
        expect(res.body.status).toBe('cancelada');
        expect(after).toEqual(before);
      } else {
        expect(res.status).toBe(409);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body).toMatchObject({
          type: 'https://nest-commerce.dev/problems/illegal-transition',
          current_status: from,
          requested_status: to,
        });
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

  describe('messages', () => {
    it('a repeated message_id applies once: 200 with the current order, no second event', async () => {
      const id = await orderIn('creada');
      const messageId = randomUUID();
      const first = await send(id, 'pagada', messageId).expect(200);
      expect(first.headers['x-status-change']).toBe('applied');
      const again = await send(id, 'pagada', messageId).expect(200);
      expect(again.headers['x-status-change']).toBe('duplicate');
      expect(again.body).toEqual(first.body);
      expect((await events(id)).map((e) => e.type)).toEqual(['created', 'paid']);
    });

    it('a repeated message_id does not re-apply even when the order has moved on', async () => {
      const id = await orderIn('creada');
      const paid = randomUUID();
      await send(id, 'pagada', paid).expect(200);
      await send(id, 'enviada').expect(200);
      const again = await send(id, 'pagada', paid).expect(200);
      expect(again.headers['x-status-change']).toBe('duplicate');
      expect(again.body.status).toBe('enviada');
    });

    it('the same message delivered 8 times concurrently applies once', async () => {
      const id = await orderIn('creada');
      const messageId = randomUUID();
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => send(id, 'pagada', messageId)),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(responses.filter((r) => r.headers['x-status-change'] === 'applied')).toHaveLength(1);
      expect((await events(id)).map((e) => e.type)).toEqual(['created', 'paid']);
    });

    it('different messages racing for one order serialize on it: no deadlock, no 5xx', async () => {
      for (let round = 0; round < 5; round++) {
        const id = await orderIn('creada');
        const [pay, cancel] = await Promise.all([
          send(id, 'pagada'),
          send(id, 'cancelada', randomUUID(), DELIVERY_KEY),
        ]);
        // pay first: then pagada → cancelada is legal too; cancel first: the late payment is
        // refunded and the order stays cancelled. Either way both are acknowledged.
        expect([pay.status, cancel.status]).toEqual([200, 200]);
        const paidFirst = pay.headers['x-status-change'] === 'applied';
        if (!paidFirst) expect(pay.headers['x-status-change']).toBe('refund_requested');
        const history = (await events(id)).map((e) => e.status);
        expect(history).toEqual(
          paidFirst ? ['creada', 'pagada', 'cancelada'] : ['creada', 'cancelada'],
        );
        // exactly one refund asked of payment either way (by the cancel, or by the late payment)
        const refunds = (await t.outbox(id)).filter((m) => m.destination === 'payment');
        expect(refunds).toHaveLength(1);
      }
    });

    it('out of order: delivered before shipped is 409 and recorded nowhere; it succeeds once shipped', async () => {
      const id = await orderIn('pagada');
      const delivered = randomUUID();
      const early = await send(id, 'entregada', delivered).expect(409);
      expect(early.body.current_status).toBe('pagada');
      expect(await statusOf(id)).toBe('pagada');
      const inbox = await t.query('SELECT 1 FROM processed_messages WHERE message_id = $1', [
        delivered,
      ]);
      expect(inbox).toHaveLength(0);

      await send(id, 'enviada').expect(200);
      const retried = await send(id, 'entregada', delivered).expect(200);
      expect(retried.headers['x-status-change']).toBe('applied');
      expect((await events(id)).map((e) => e.status)).toEqual([
        'creada',
        'pagada',
        'enviada',
        'entregada',
      ]);
    });

    it('late messages never move the status backwards', async () => {
      const id = await orderIn('entregada');
      for (const late of ['pagada', 'enviada', 'creada'] as OrderStatus[]) {
        const res = await send(id, late).expect(200);
        expect(res.headers['x-status-change']).toBe('already_reached');
        expect(res.body.status).toBe('entregada');
      }
      expect(await events(id)).toHaveLength(4);
    });

    it('pagada after a cancellation from creada: acknowledged, the order stays cancelled, the payment is refunded', async () => {
      const id = await orderIn('cancelada');
      const messageId = randomUUID();
      const res = await send(id, 'pagada', messageId).expect(200);
      expect(res.headers['x-status-change']).toBe('refund_requested');
      expect(res.body.status).toBe('cancelada');
      expect((await events(id)).map((e) => e.type)).toEqual(['created', 'cancelled']);
      const again = await send(id, 'pagada', messageId).expect(200);
      expect(again.headers['x-status-change']).toBe('duplicate');
      const refunds = (await t.outbox(id)).filter((m) => m.destination === 'payment');
      expect(refunds.map((m) => m.payload)).toEqual([
        { order_id: id, cause: 'payment approved after the order was cancelled' },
      ]);
    });

    it('enviada for a cancelled order is 409 and recorded nowhere (a conflict for an operator)', async () => {
      const id = await orderIn('cancelada');
      const res = await send(id, 'enviada').expect(409);
      expect(res.body.current_status).toBe('cancelada');
    });

    it('internal cancel releases the stock through the outbox, from creada and from pagada', async () => {
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

    it('a message_id reused for another order is 422', async () => {
      const a = await orderIn('creada');
      const b = await orderIn('creada');
      const messageId = randomUUID();
      await send(a, 'pagada', messageId).expect(200);
      const res = await send(b, 'pagada', messageId).expect(422);
      expect(res.body.type).toBe('https://nest-commerce.dev/problems/message-id-reused');
      expect(await statusOf(b)).toBe('creada');
    });

    it('an unknown order is 404, a bad body 400', async () => {
      const missing = randomUUID();
      const res = await send(missing, 'pagada').expect(404);
      expect(res.body.type).toBe('https://nest-commerce.dev/problems/order-not-found');
      const id = await orderIn('creada');
      for (const body of [
        { message_id: 'x', status: 'pagada', cause: 'c' },
        { message_id: randomUUID(), status: 'paid', cause: 'c' },
        { message_id: randomUUID(), status: 'pagada', cause: '' },
        { message_id: randomUUID(), status: 'pagada', cause: 'x'.repeat(201) },
        { message_id: randomUUID(), status: 'pagada', cause: 'c', extra: 1 },
      ]) {
        await http()
          .post(`${INTERNAL}/${id}/status`)
          .set('X-Service-Key', PAYMENT_KEY)
          .send(body)
          .expect(400);
      }
      expect(await statusOf(id)).toBe('creada');
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
        const post = await http()
          .post(`${INTERNAL}/${id}/status`)
          .set(headers)
          .send({ message_id: randomUUID(), status: 'pagada', cause: 'forged' });
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
