import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import request from 'supertest';
import { EVENTS_PATH, OutboxRelay } from '@app/platform';
import {
  TestTokenIssuer,
  createTestDatabase,
  freePort,
  startTestService,
  testEnv,
} from '@app/testing';
// Tests only: the real order and product services, booted in-process and called over HTTP.
import { OrderModule } from '../../order/src/order.module';
import { ProductModule } from '../../product/src/product.module';
import { DeliveryModule } from '../src/delivery.module';

/** The delivery service's own key: it calls the order service with it (order's SERVICE_API_KEYS.delivery). */
export const DELIVERY_KEY = 'delivery-to-order-test-key';
/** The order service's key: it calls product and delivery with it (their SERVICE_API_KEYS.order). */
export const ORDER_KEY = 'order-to-others-test-key';
/** Stands in for the payment service when a test marks an order paid. */
export const PAYMENT_KEY = 'payment-to-order-test-key';
/** Stands in for order-validation, the one caller of GET /internal/orders/{id}: reads an order. */
export const VALIDATION_KEY = 'validation-to-order-test-key';

export const ADDRESS = {
  street: 'Calle Mayor 1, 2ºB',
  city: 'Madrid',
  postal_code: '28013',
  country: 'ES',
};

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface Customer {
  id: string;
  token: string;
}

export interface OutboxRow {
  id: string;
  type: string;
  aggregate_id: string;
  destination: string;
  path: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  last_error: string | null;
}

export interface OrderEvent {
  type: string;
  status: string;
  cause: string;
  delivery_id: string | null;
}

export interface DeliveryTestApp {
  issuer: TestTokenIssuer;
  adminToken: string;
  /** the delivery service under test (listening: the order service's relay calls it) */
  readonly delivery: NestFastifyApplication;
  /** the real order service (listening: the delivery service calls it) */
  readonly order: NestFastifyApplication;
  deliveryUrl: string;
  orderUrl: string;
  http(): ReturnType<typeof request>;
  orderHttp(): ReturnType<typeof request>;
  customer(): Promise<Customer>;
  /** places an order for the customer (one unit of a fresh product), optionally with an address */
  placeOrder(customer: Customer, options?: { address?: typeof ADDRESS | null }): Promise<string>;
  /**
   * Pays the order as payment would (`payment.approved` to the order service), then runs the
   * order's relay once, so delivery hears `order.paid`.
   */
  payOrder(orderId: string): Promise<void>;
  /** Cancels the order (admin, public API), then runs the order's relay once (`order.cancelled`). */
  cancelOrder(orderId: string): Promise<void>;
  /** the order as the order service has it */
  orderOf(orderId: string): Promise<{ status: string; user_id: string }>;
  orderEvents(orderId: string): Promise<OrderEvent[]>;
  /** `order.paid` to delivery's POST /internal/events, as the order service's relay would */
  sendPaid(
    orderId: string,
    userId: string,
    eventId?: string,
    address?: typeof ADDRESS | null,
  ): request.Test;
  /** `order.cancelled` to delivery's POST /internal/events, as the order service's relay would */
  sendCancelled(orderId: string, eventId?: string, userId?: string): request.Test;
  /** PATCH /deliveries/{id}/status as admin */
  setDeliveryStatus(deliveryId: string, status: string): request.Test;
  /** one pass of the delivery service's outbox relay (the relays do not run on their own here) */
  drainDelivery(): Promise<number>;
  /** one pass of the order service's outbox relay */
  drainOrder(): Promise<number>;
  /** waits out the (10-20 ms) retry backoff of both relays */
  waitForBackoff(): Promise<void>;
  /** the delivery service's outbox, oldest first */
  deliveryOutbox(orderId?: string): Promise<OutboxRow[]>;
  /** SQL against delivery_db */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** closes the order service (outage tests); close() tolerates it */
  stopOrder(): Promise<void>;
  /** starts the order service again, same port and database */
  startOrder(): Promise<void>;
  close(): Promise<void>;
}

const QUIET = {
  RATE_LIMIT_PER_MINUTE: '100000',
  // the tests drive the relays themselves, with retries due almost at once
  OUTBOX_RELAY_ENABLED: 'false',
  OUTBOX_BACKOFF_BASE_MS: '10',
  OUTBOX_BACKOFF_MAX_MS: '20',
  // an outage must not open the breaker for the rest of a suite
  UPSTREAM_BREAKER_THRESHOLD: '100000',
  UPSTREAM_TIMEOUT_MS: '1500',
};

/**
 * The delivery service under test and the real order and product services it works with,
 * each on its own fresh database and a fixed port (so the order service can be stopped and
 * started again at the same URL), a local JWKS issuer, and the keys wired as npm start does.
 * No payment service: the order service's refund messages simply stay pending.
 */
export async function startDeliveryTestApp(
  options: { deliveryEnv?: Record<string, string> } = {},
): Promise<DeliveryTestApp> {
  const issuer = await TestTokenIssuer.start();
  const [productDb, orderDb, deliveryDb] = await Promise.all([
    createTestDatabase('delivery_product'),
    createTestDatabase('delivery_order'),
    createTestDatabase('delivery'),
  ]);
  const [productPort, orderPort, deliveryPort, paymentPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const productUrl = `http://127.0.0.1:${productPort}`;
  const orderUrl = `http://127.0.0.1:${orderPort}`;
  const deliveryUrl = `http://127.0.0.1:${deliveryPort}`;

  const product = await startTestService(
    ProductModule.forRoot(
      testEnv({
        databaseUrl: productDb.url,
        issuer,
        serviceKeys: { order: ORDER_KEY },
        extra: { RATE_LIMIT_PER_MINUTE: '100000', PORT: String(productPort) },
      }),
    ),
    { listen: true },
  );
  const orderModule = () =>
    OrderModule.forRoot(
      testEnv({
        databaseUrl: orderDb.url,
        issuer,
        serviceKeys: {
          delivery: DELIVERY_KEY,
          payment: PAYMENT_KEY,
          'order-validation': VALIDATION_KEY,
        },
        extra: {
          ...QUIET,
          PORT: String(orderPort),
          SERVICE_API_KEY: ORDER_KEY,
          PRODUCT_SERVICE_URL: productUrl,
          DELIVERY_SERVICE_URL: deliveryUrl,
          PAYMENT_SERVICE_URL: `http://127.0.0.1:${paymentPort}`,
        },
      }),
    );
  let order: NestFastifyApplication | null = await startTestService(orderModule(), {
    listen: true,
  });
  const delivery = await startTestService(
    DeliveryModule.forRoot(
      testEnv({
        databaseUrl: deliveryDb.url,
        issuer,
        serviceKeys: { order: ORDER_KEY },
        extra: {
          ...QUIET,
          PORT: String(deliveryPort),
          SERVICE_API_KEY: DELIVERY_KEY,
          ORDER_SERVICE_URL: orderUrl,
          ...options.deliveryEnv,
        },
      }),
    ),
    { listen: true },
  );

  const adminToken = await issuer.admin();
  const pg = new Client({ connectionString: deliveryDb.url });
  await pg.connect();
  const query = async <T>(sql: string, params: unknown[] = []) =>
    (await pg.query(sql, params)).rows as T[];
  const http = () => request(delivery.getHttpServer());
  const runningOrder = (): NestFastifyApplication => {
    if (!order) throw new Error('the order service is stopped');
    return order;
  };
  const orderHttp = () => request(runningOrder().getHttpServer());

  return {
    issuer,
    adminToken,
    delivery,
    get order() {
      return runningOrder();
    },
    deliveryUrl,
    orderUrl,
    http,
    orderHttp,
    async customer() {
      const id = randomUUID();
      return { id, token: await issuer.customer(id) };
    },
    async placeOrder(customer, opts = {}) {
      const created = await request(product.getHttpServer())
        .post('/api/v1/products')
        .set(bearer(adminToken))
        .send({ name: 'Parcel', price: 9.99, stock_quantity: 10, category: 'delivery-tests' });
      if (created.status !== 201) throw new Error(`product: ${created.status} ${created.text}`);
      const address = opts.address === undefined ? ADDRESS : opts.address;
      const res = await orderHttp()
        .post('/api/v1/orders')
        .set(bearer(customer.token))
        .send({
          user_id: customer.id,
          items: [{ product_id: created.body.id, quantity: 1 }],
          ...(address ? { shipping_address: address } : {}),
        });
      if (res.status !== 201) throw new Error(`order: ${res.status} ${res.text}`);
      return res.body.id as string;
    },
    async payOrder(orderId) {
      const res = await orderHttp()
        .post(EVENTS_PATH)
        .set('X-Service-Key', PAYMENT_KEY)
        .send(
          envelope('payment.approved', 'payment', orderId, {
            payment_id: randomUUID(),
            order_id: orderId,
            amount: 9.99,
          }),
        );
      if (res.status !== 200) throw new Error(`payment.approved: ${res.status} ${res.text}`);
      await runningOrder().get(OutboxRelay).drainOnce();
    },
    async cancelOrder(orderId) {
      const res = await orderHttp()
        .post(`/api/v1/orders/${orderId}/cancel`)
        .set(bearer(adminToken));
      if (res.status !== 200) throw new Error(`cancel: ${res.status} ${res.text}`);
      await runningOrder().get(OutboxRelay).drainOnce();
    },
    async orderOf(orderId) {
      const res = await orderHttp()
        .get(`/api/v1/internal/orders/${orderId}`)
        .set('X-Service-Key', VALIDATION_KEY);
      if (res.status !== 200) throw new Error(`order ${orderId}: ${res.status}`);
      return res.body;
    },
    async orderEvents(orderId) {
      const res = await orderHttp().get(`/api/v1/orders/${orderId}/events`).set(bearer(adminToken));
      if (res.status !== 200) throw new Error(`events ${orderId}: ${res.status}`);
      return res.body;
    },
    sendPaid(orderId, userId, eventId = randomUUID(), address = ADDRESS) {
      return http()
        .post(EVENTS_PATH)
        .set('X-Service-Key', ORDER_KEY)
        .send(
          envelope(
            'order.paid',
            'order',
            orderId,
            {
              order_id: orderId,
              user_id: userId,
              payment_id: randomUUID(),
              total: 9.99,
              shipping_address: address,
            },
            eventId,
          ),
        );
    },
    sendCancelled(orderId, eventId = randomUUID(), userId = randomUUID()) {
      return http()
        .post(EVENTS_PATH)
        .set('X-Service-Key', ORDER_KEY)
        .send(
          envelope(
            'order.cancelled',
            'order',
            orderId,
            { order_id: orderId, user_id: userId, cause: 'cancelled by the customer' },
            eventId,
          ),
        );
    },
    setDeliveryStatus(deliveryId, status) {
      return http()
        .patch(`/api/v1/deliveries/${deliveryId}/status`)
        .set(bearer(adminToken))
        .send({ status });
    },
    drainDelivery: () => delivery.get(OutboxRelay).drainOnce(),
    drainOrder: () => runningOrder().get(OutboxRelay).drainOnce(),
    waitForBackoff: () => sleep(60),
    async deliveryOutbox(orderId) {
      return query<OutboxRow>(
        `SELECT id, type, aggregate_id, destination, path, payload, status, attempts, last_error
         FROM outbox_messages ${orderId ? 'WHERE aggregate_id = $1' : ''} ORDER BY sequence`,
        orderId ? [orderId] : [],
      );
    },
    query,
    async stopOrder() {
      if (!order) return;
      const closing = order;
      order = null;
      await closing.close();
    },
    async startOrder() {
      if (order) return;
      order = await startTestService(orderModule(), { listen: true });
    },
    async close() {
      await pg.end();
      await delivery.close().catch(() => undefined);
      await order?.close().catch(() => undefined);
      await product.close().catch(() => undefined);
      await issuer.stop();
      await Promise.all([deliveryDb.drop(), orderDb.drop(), productDb.drop()]);
    },
  };
}

/** An integration event as its producer's relay posts it. */
export function envelope(
  type: string,
  producer: string,
  orderId: string,
  payload: Record<string, unknown>,
  id: string = randomUUID(),
) {
  return {
    id,
    type,
    version: 1,
    occurred_at: new Date().toISOString(),
    producer,
    subject: orderId,
    payload,
  };
}

/** A response body must never leak a stack trace or SQL. */
export function expectNoLeak(body: unknown): void {
  const text = JSON.stringify(body ?? '');
  expect(text).not.toMatch(/\bat .+\(.*:\d+:\d+\)/);
  expect(text).not.toMatch(/\bSELECT\b|\bUPDATE\b|\bINSERT\b/);
  expect(text).not.toContain('QueryFailedError');
}
