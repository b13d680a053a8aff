import { randomUUID } from 'node:crypto';
import {
  ADDRESS,
  DELIVERY_KEY,
  DeliveryTestApp,
  ORDER_KEY,
  startDeliveryTestApp,
} from './delivery-test-app';

const INTERNAL = '/api/v1/internal/deliveries';

/** The receivers of the order service's messages, called as its outbox relay calls them. */
describe('delivery: internal message receivers (e2e)', () => {
  let t: DeliveryTestApp;

  beforeAll(async () => {
    t = await startDeliveryTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const countFor = async (orderId: string) =>
    Number(
      (
        await t.query<{ n: string }>(`SELECT count(*) AS n FROM deliveries WHERE order_id = $1`, [
          orderId,
        ])
      )[0].n,
    );

  describe('create', () => {
    it('opens a pendiente delivery with a tracking number, the carrier and now + 3 days', async () => {
      const orderId = randomUUID();
      const userId = randomUUID();
      const before = Date.now();
      const res = await t.sendCreate(orderId, userId).expect(201);
      expect(res.headers['x-message-outcome']).toBe('created');
      expect(res.body.outcome).toBe('created');
      const delivery = res.body.delivery;
      expect(delivery).toMatchObject({
        order_id: orderId,
        user_id: userId,
        address: ADDRESS,
        carrier: 'NestPost',
        status: 'pendiente',
      });
      expect(delivery.tracking_number).toMatch(/^NC[0-9A-HJKMNP-TV-Z]{10}$/);
      const estimate = Date.parse(delivery.estimated_delivery) - Date.parse(delivery.created_at);
      expect(estimate).toBe(3 * 24 * 3600 * 1000);
      expect(Date.parse(delivery.created_at)).toBeGreaterThanOrEqual(before - 1000);
    });

    it('a second message for the same order returns the existing delivery (200), one row', async () => {
      const orderId = randomUUID();
      const userId = randomUUID();
      const first = await t.sendCreate(orderId, userId).expect(201);
      const second = await t
        .sendCreate(orderId, userId, randomUUID(), { ...ADDRESS, street: 'Otra 2' })
        .expect(200);
      expect(second.headers['x-message-outcome']).toBe('existing');
      expect(second.body.delivery).toEqual(first.body.delivery);
      expect(await countFor(orderId)).toBe(1);
    });

    it('the same message_id twice is applied once (duplicate)', async () => {
      const orderId = randomUUID();
      const messageId = randomUUID();
      const first = await t.sendCreate(orderId, randomUUID(), messageId).expect(201);
      const again = await t.sendCreate(orderId, randomUUID(), messageId).expect(200);
      expect(again.headers['x-message-outcome']).toBe('duplicate');
      expect(again.body.delivery.id).toBe(first.body.delivery.id);
      expect(await countFor(orderId)).toBe(1);
      const inbox = await t.query(`SELECT 1 FROM inbox_messages WHERE message_id = $1`, [
        messageId,
      ]);
      expect(inbox).toHaveLength(1);
    });

    it('8 concurrent messages for one order (distinct ids, and one id 8 times): one delivery each', async () => {
      const orderA = randomUUID();
      const distinct = await Promise.all(
        Array.from({ length: 8 }, () => t.sendCreate(orderA, randomUUID())),
      );
      expect(distinct.map((r) => r.status).sort()).toEqual([
        200, 200, 200, 200, 200, 200, 200, 201,
      ]);
      expect(new Set(distinct.map((r) => r.body.delivery.id)).size).toBe(1);
      expect(await countFor(orderA)).toBe(1);

      const orderB = randomUUID();
      const messageId = randomUUID();
      const same = await Promise.all(
        Array.from({ length: 8 }, () => t.sendCreate(orderB, randomUUID(), messageId)),
      );
      expect(same.filter((r) => r.status === 201)).toHaveLength(1);
      expect(same.filter((r) => r.headers['x-message-outcome'] === 'duplicate')).toHaveLength(7);
      expect(await countFor(orderB)).toBe(1);
    });

    it('tracking numbers are unique across deliveries', async () => {
      const rows = await t.query<{ n: string; d: string }>(
        `SELECT count(*) AS n, count(DISTINCT tracking_number) AS d FROM deliveries`,
      );
      expect(rows[0].n).toBe(rows[0].d);
    });

    it('refuses an invalid body (400, nothing stored, message not recorded)', async () => {
      const orderId = randomUUID();
      const messageId = randomUUID();
      const res = await t.sendCreate(orderId, randomUUID(), messageId, {
        ...ADDRESS,
        country: 'Spain',
      });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([
        { field: 'address.country', message: expect.stringContaining('ISO 3166-1') },
      ]);
      expect(await countFor(orderId)).toBe(0);
      await t.sendCreate(orderId, randomUUID(), messageId).expect(201);
    });
  });

  describe('cancel', () => {
    it('a pendiente delivery becomes cancelada, once per message', async () => {
      const orderId = randomUUID();
      await t.sendCreate(orderId, randomUUID()).expect(201);
      const messageId = randomUUID();
      const res = await t.sendCancel(orderId, messageId).expect(200);
      expect(res.headers['x-message-outcome']).toBe('cancelled');
      expect(res.body.delivery.status).toBe('cancelada');
      const again = await t.sendCancel(orderId, messageId).expect(200);
      expect(again.headers['x-message-outcome']).toBe('duplicate');
      const other = await t.sendCancel(orderId).expect(200);
      expect(other.headers['x-message-outcome']).toBe('unchanged');
      expect(other.body.delivery.status).toBe('cancelada');
    });

    it.each(['en_transito', 'entregada'])('a delivery %s stays as it is (200)', async (status) => {
      const orderId = randomUUID();
      const created = await t.sendCreate(orderId, randomUUID()).expect(201);
      const id = created.body.delivery.id;
      await t.setDeliveryStatus(id, 'en_transito').expect(200);
      if (status === 'entregada') await t.setDeliveryStatus(id, 'entregada').expect(200);
      const res = await t.sendCancel(orderId).expect(200);
      expect(res.headers['x-message-outcome']).toBe('unchanged');
      expect(res.body.delivery.status).toBe(status);
    });

    it('no delivery: 200 no-op; a create arriving after it opens nothing', async () => {
      const orderId = randomUUID();
      const res = await t.sendCancel(orderId).expect(200);
      expect(res.headers['x-message-outcome']).toBe('no_delivery');
      expect(res.body).toEqual({ outcome: 'no_delivery', delivery: null });
      const late = await t.sendCreate(orderId, randomUUID()).expect(200);
      expect(late.headers['x-message-outcome']).toBe('order_cancelled');
      expect(late.body).toEqual({ outcome: 'order_cancelled', delivery: null });
      expect(await countFor(orderId)).toBe(0);
    });

    it('a cancel racing creates never leaves a pendiente delivery behind', async () => {
      for (let round = 0; round < 5; round += 1) {
        const orderId = randomUUID();
        const results = await Promise.all([
          t.sendCreate(orderId, randomUUID()),
          t.sendCancel(orderId),
          t.sendCreate(orderId, randomUUID()),
        ]);
        expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
        const rows = await t.query<{ status: string }>(
          `SELECT status FROM deliveries WHERE order_id = $1`,
          [orderId],
        );
        expect(rows.length).toBeLessThanOrEqual(1);
        if (rows.length === 1) expect(rows[0].status).toBe('cancelada');
      }
    });
  });

  describe('lookup by order (service key)', () => {
    it('answers the order’s delivery, or 404', async () => {
      const orderId = randomUUID();
      const created = await t.sendCreate(orderId, randomUUID()).expect(201);
      const res = await t
        .http()
        .get(`${INTERNAL}/by-order/${orderId}`)
        .set('X-Service-Key', ORDER_KEY)
        .expect(200);
      expect(res.body).toEqual(created.body.delivery);
      const none = await t
        .http()
        .get(`${INTERNAL}/by-order/${randomUUID()}`)
        .set('X-Service-Key', ORDER_KEY)
        .expect(404);
      expect(none.body.type).toBe('https://nest-commerce.dev/problems/delivery-not-found');
      await t.http().get(`${INTERNAL}/by-order/nope`).set('X-Service-Key', ORDER_KEY).expect(400);
    });
  });

  describe('authentication', () => {
    it.each([
      ['no key', {}],
      ['a wrong key', { 'X-Service-Key': 'not-a-configured-key-000' }],
      ['the delivery service’s own key', { 'X-Service-Key': DELIVERY_KEY }],
    ])('refuses %s (401)', async (_name, headers) => {
      const orderId = randomUUID();
      const body = {
        message_id: randomUUID(),
        order_id: orderId,
        user_id: randomUUID(),
        address: ADDRESS,
      };
      const res = await t.http().post(INTERNAL).set(headers).send(body);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      await t
        .http()
        .post(`${INTERNAL}/cancellations`)
        .set(headers)
        .send({ message_id: randomUUID(), order_id: orderId, cause: 'x' })
        .expect(401);
      expect(await countFor(orderId)).toBe(0);
    });

    it('refuses a user token, even an admin’s (401)', async () => {
      await t
        .http()
        .post(INTERNAL)
        .set('Authorization', `Bearer ${t.adminToken}`)
        .send({
          message_id: randomUUID(),
          order_id: randomUUID(),
          user_id: randomUUID(),
          address: ADDRESS,
        })
        .expect(401);
    });
  });
});
