import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import request from 'supertest';
import { EVENTS_PATH, OutboxRelay } from '@app/platform';
import {
  TestDatabase,
  TestTokenIssuer,
  createTestDatabase,
  freePort,
  startTestService,
  testEnv,
} from '@app/testing';
// Tests only: the real order and product services, booted in-process and called over HTTP.
import { OrderModule } from '../../order/src/order.module';
import { ProductModule } from '../../product/src/product.module';
import { PaymentGateway } from '../src/application/ports/payment-gateway.port';
import {
  ReconcileOptions,
  ReconcileReport,
  ReconcilePendingPaymentsUseCase,
} from '../src/application/use-cases/reconcile-pending-payments.use-case';
import { PaymentModule } from '../src/payment.module';
import { startFakeHttpServer } from './fakes/fake-http-server';

/** The payment service's own key: order's SERVICE_API_KEYS.payment (its relay's events). */
export const PAYMENT_KEY = 'payment-to-order-test-key';
/** The order service's key: it calls product and payment with it (their SERVICE_API_KEYS.order). */
export const ORDER_KEY = 'order-to-others-test-key';
/** Stands in for the delivery service, which these suites do not run. */
export const DELIVERY_KEY = 'delivery-to-order-test-key';
/** Stands in for order-validation, the one caller of GET /internal/orders/{id}: reads an order. */
export const VALIDATION_KEY = 'validation-to-order-test-key';

export const CARDS = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  timeout: '4000000000000119',
  mastercard: '5555555555554444',
} as const;

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export function card(number: string = CARDS.approved, cvc = '737') {
  return { number, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, cvc };
}

export interface Customer {
  id: string;
  token: string;
}

export interface PlacedOrder {
  id: string;
  total: number;
  owner: Customer;
}

export interface OrderEvent {
  type: string;
  status: string;
  cause: string;
  payment_id: string | null;
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
}

export interface PaymentTestApp {
  issuer: TestTokenIssuer;
  adminToken: string;
  /** the payment service under test (listening: the order service's relay calls it) */
  readonly payment: NestFastifyApplication;
  paymentDb: TestDatabase;
  http(): ReturnType<typeof request>;
  orderHttp(): ReturnType<typeof request>;
  customer(): Promise<Customer>;
  /** an order of `quantity` units of a fresh product at `price`, placed by the customer */
  placeOrder(customer: Customer, price?: number, quantity?: number): Promise<PlacedOrder>;
  /** POST /payments/process as `who` (default: the order's owner) */
  pay(
    order: PlacedOrder,
    body?: Record<string, unknown>,
    options?: { as?: string; key?: string },
  ): request.Test;
  orderOf(orderId: string): Promise<{ status: string; user_id: string; total: number }>;
  orderEvents(orderId: string): Promise<OrderEvent[]>;
  /** `order.cancelled` to payment's POST /internal/events, as the order service's relay would */
  sendCancelled(orderId: string, eventId?: string, cause?: string): request.Test;
  /** one pass of the payment service's relay (relays do not run on their own here) */
  drainPayment(): Promise<number>;
  /** one pass of the order service's relay */
  drainOrder(): Promise<number>;
  waitForBackoff(): Promise<void>;
  /** the payment service's outbox, oldest first */
  paymentOutbox(orderId?: string): Promise<OutboxRow[]>;
  gateway<T extends PaymentGateway = PaymentGateway>(): T;
  reconcile(options?: ReconcileOptions): Promise<ReconcileReport>;
  /** SQL against payment_db */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** closes the order service (outage tests); close() tolerates it */
  stopOrder(): Promise<void>;
  /** starts the order service again, same port and database */
  startOrder(): Promise<void>;
  close(): Promise<void>;
}

const QUIET = {
  RATE_LIMIT_PER_MINUTE: '100000',
  // the tests drive the relays and reconciliation themselves, with retries due almost at once
  OUTBOX_RELAY_ENABLED: 'false',
  OUTBOX_BACKOFF_BASE_MS: '10',
  OUTBOX_BACKOFF_MAX_MS: '20',
  // an outage must not open the breaker for the rest of a suite
  UPSTREAM_BREAKER_THRESHOLD: '100000',
  UPSTREAM_TIMEOUT_MS: '1500',
};

/**
 * The payment service under test and the real order and product services, each on its own
 * fresh database and a fixed port (so the order service can be stopped and started again at
 * the same URL), a local JWKS issuer, and the keys wired as npm start does. No delivery
 * service: a stand-in answers the stop a paid order's cancel asks for (no delivery, stopped),
 * and 503 to the order's events, which simply stay pending.
 */
export async function startPaymentTestApp(
  options: {
    paymentEnv?: Record<string, string>;
    /** LOG_LEVEL of every service started here */
    logLevel?: string;
  } = {},
): Promise<PaymentTestApp> {
  const logLevel = options.logLevel ?? 'warn';
  const issuer = await TestTokenIssuer.start();
  const [productDb, orderDb, paymentDb] = await Promise.all([
    createTestDatabase('payment_product'),
    createTestDatabase('payment_order'),
    createTestDatabase('payment'),
  ]);
  const [productPort, orderPort, paymentPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const delivery = await startFakeHttpServer((request) =>
    request.method === 'POST' && /\/by-order\/[^/]+\/stop$/.test(request.path)
      ? { status: 200, body: { outcome: 'no_delivery', delivery: null } }
      : { status: 503, body: { status: 503 } },
  );
  const productUrl = `http://127.0.0.1:${productPort}`;
  const orderUrl = `http://127.0.0.1:${orderPort}`;
  const paymentUrl = `http://127.0.0.1:${paymentPort}`;

  const product = await startTestService(
    ProductModule.forRoot(
      testEnv({
        databaseUrl: productDb.url,
        issuer,
        serviceKeys: { order: ORDER_KEY },
        extra: {
          RATE_LIMIT_PER_MINUTE: '100000',
          PORT: String(productPort),
          LOG_LEVEL: logLevel,
        },
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
          payment: PAYMENT_KEY,
          delivery: DELIVERY_KEY,
          'order-validation': VALIDATION_KEY,
        },
        extra: {
          ...QUIET,
          LOG_LEVEL: logLevel,
          PORT: String(orderPort),
          SERVICE_API_KEY: ORDER_KEY,
          PRODUCT_SERVICE_URL: productUrl,
          PAYMENT_SERVICE_URL: paymentUrl,
          DELIVERY_SERVICE_URL: delivery.url,
          DB_POOL_MAX: '20',
        },
      }),
    );
  let order: NestFastifyApplication | null = await startTestService(orderModule(), {
    listen: true,
  });
  const payment = await startTestService(
    PaymentModule.forRoot(
      testEnv({
        databaseUrl: paymentDb.url,
        issuer,
        serviceKeys: { order: ORDER_KEY },
        extra: {
          ...QUIET,
          LOG_LEVEL: logLevel,
          PORT: String(paymentPort),
          SERVICE_API_KEY: PAYMENT_KEY,
          ORDER_SERVICE_URL: orderUrl,
          PAYMENT_RECONCILE_INTERVAL_MS: '0',
          DB_POOL_MAX: '20',
          ...options.paymentEnv,
        },
      }),
    ),
    { listen: true },
  );

  const adminToken = await issuer.admin();
  const pg = new Client({ connectionString: paymentDb.url });
  await pg.connect();
  const query = async <T>(sql: string, params: unknown[] = []) =>
    (await pg.query(sql, params)).rows as T[];
  const http = () => request(payment.getHttpServer());
  const runningOrder = (): NestFastifyApplication => {
    if (!order) throw new Error('the order service is stopped');
    return order;
  };
  const orderHttp = () => request(runningOrder().getHttpServer());
  let products = 0;

  const app: PaymentTestApp = {
    issuer,
    adminToken,
    payment,
    paymentDb,
    http,
    orderHttp,
    async customer() {
      const id = randomUUID();
      return { id, token: await issuer.customer(id) };
    },
    async placeOrder(customer, price = 19.99, quantity = 2) {
      products += 1;
      const created = await request(product.getHttpServer())
        .post('/api/v1/products')
        .set(bearer(adminToken))
        .send({
          name: `Payment test ${products}`,
          price,
          stock_quantity: 1000,
          category: 'payment',
        })
        .expect(201);
      const placed = await orderHttp()
        .post('/api/v1/orders')
        .set(bearer(customer.token))
        .send({ user_id: customer.id, items: [{ product_id: created.body.id, quantity }] })
        .expect(201);
      return { id: placed.body.id, total: placed.body.total, owner: customer };
    },
    pay(placed, body = {}, options = {}) {
      const req = http()
        .post('/api/v1/payments/process')
        .set(bearer(options.as ?? placed.owner.token));
      if (options.key !== undefined) req.set('Idempotency-Key', options.key);
      return req.send({
        order_id: placed.id,
        amount: placed.total,
        payment_method: 'credit_card',
        card: card(),
        ...body,
      });
    },
    async orderOf(orderId) {
      const res = await orderHttp()
        .get(`/api/v1/internal/orders/${orderId}`)
        .set('X-Service-Key', VALIDATION_KEY)
        .expect(200);
      return res.body;
    },
    async orderEvents(orderId) {
      const res = await orderHttp()
        .get(`/api/v1/orders/${orderId}/events`)
        .set(bearer(adminToken))
        .expect(200);
      return res.body;
    },
    sendCancelled(orderId, eventId = randomUUID(), cause = 'cancelled by the customer') {
      return request(payment.getHttpServer())
        .post(EVENTS_PATH)
        .set('X-Service-Key', ORDER_KEY)
        .send({
          id: eventId,
          type: 'order.cancelled',
          version: 1,
          occurred_at: new Date().toISOString(),
          producer: 'order',
          subject: orderId,
          payload: { order_id: orderId, user_id: randomUUID(), cause },
        });
    },
    drainPayment: () => payment.get(OutboxRelay).drainOnce(),
    drainOrder: () => runningOrder().get(OutboxRelay).drainOnce(),
    waitForBackoff: () => sleep(60),
    paymentOutbox(orderId) {
      return query<OutboxRow>(
        `SELECT id, type, aggregate_id, destination, path, payload, status, attempts
           FROM outbox_messages ${orderId ? 'WHERE aggregate_id = $1' : ''} ORDER BY sequence`,
        orderId ? [orderId] : [],
      );
    },
    gateway: <T extends PaymentGateway>() => payment.get(PaymentGateway) as T,
    reconcile: (reconcileOptions) =>
      payment.get(ReconcilePendingPaymentsUseCase).execute(reconcileOptions),
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
      await payment.close().catch(() => undefined);
      await order?.close().catch(() => undefined);
      await product.close().catch(() => undefined);
      await delivery.stop();
      await issuer.stop();
      await Promise.all([paymentDb.drop(), orderDb.drop(), productDb.drop()]);
    },
  };
  return app;
}

/** A response body must never leak a stack trace or SQL. */
export function expectNoLeak(body: unknown): void {
  const text = JSON.stringify(body ?? '');
  expect(text).not.toMatch(/\bat .+\(.*:\d+:\d+\)/);
  expect(text).not.toMatch(/\bSELECT\b|\bUPDATE\b|\bINSERT\b/);
  expect(text).not.toContain('QueryFailedError');
}
