import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import request from 'supertest';
import { EVENT_CATALOGUE, EventPayload, EventType } from '@app/contracts';
import { EVENTS_PATH, OutboxRelay } from '@app/platform';
import {
  TestDatabase,
  TestTokenIssuer,
  createTestDatabase,
  freePort,
  startTestService,
  testEnv,
} from '@app/testing';
// Tests only: the real product service, booted in-process and called over HTTP.
import { ProductModule } from '../../product/src/product.module';
import { OrderModule } from '../src/order.module';
import { FakeReceiver, startFakeReceiver } from './fake-receiver';

/**
 * The key the order service calls other services with (product's, delivery's and payment's
 * SERVICE_API_KEYS.order); the outbox relay sends it too.
 */
export const ORDER_KEY = 'order-to-product-test-key';
/** Keys of the services that may call the order service (its events endpoint, its queries). */
export const PAYMENT_KEY = 'payment-to-order-test-key';
export const DELIVERY_KEY = 'delivery-to-order-test-key';
export const CART_KEY = 'cart-to-order-test-key';
/** order-validation's key: the only caller of GET /internal/orders/{id}. */
export const VALIDATION_KEY = 'validation-to-order-test-key';

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

export interface OrderTestApp {
  app: NestFastifyApplication;
  product: NestFastifyApplication;
  productUrl: string;
  /** stand-ins for the delivery and payment services' events endpoints (real HTTP) */
  delivery: FakeReceiver;
  payment: FakeReceiver;
  issuer: TestTokenIssuer;
  orderDb: TestDatabase;
  adminToken: string;
  /** a fresh customer with its own id and token */
  customer(): Promise<Customer>;
  /** creates a catalog product through the product service's admin API */
  createProduct(price: number, stock: number, name?: string): Promise<string>;
  /** the product's stock as the product service reports it */
  stockOf(productId: string): Promise<number>;
  /** SQL against order_db */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** stops the product service (for outage tests); close() tolerates it */
  stopProduct(): Promise<void>;
  /** starts it again on the same port and database */
  startProduct(): Promise<void>;
  /**
   * One pass of the order service's outbox relay (it does not run on its own in these tests
   * unless OUTBOX_RELAY_ENABLED is set): delivers what is due now; the number acknowledged.
   */
  drain(): Promise<number>;
  /** Passes of the relay, waiting out the backoff, until no message is pending (or 5 s). */
  drainAll(): Promise<void>;
  /**
   * Another order service on the same database and settings (a second replica), with `env`
   * added; closed by close().
   */
  replica(env?: Record<string, string>): Promise<NestFastifyApplication>;
  /** The order service's outbox, oldest first (optionally one order's messages). */
  outbox(orderId?: string): Promise<OutboxRow[]>;
  /**
   * Posts an event to the order service's `POST /api/v1/internal/events` as its producer would
   * (the producer's service key, a fresh envelope unless `id` is given); the raw answer.
   */
  sendEvent<T extends EventType>(
    type: T,
    payload: EventPayload<T>,
    options?: { id?: string; key?: string },
  ): request.Test;
  close(): Promise<void>;
}

/**
 * The order service (supertest, in-process) and the real product service (listening on a real
 * port, which the order service calls over HTTP), each on its own fresh database, with a local
 * JWKS issuer and matching service keys.
 */
export async function startOrderTestApp(
  options: { orderEnv?: Record<string, string>; listen?: boolean } = {},
): Promise<OrderTestApp> {
  const issuer = await TestTokenIssuer.start();
  const productDb = await createTestDatabase('product');
  const orderDb = await createTestDatabase('order');
  // a fixed port, so that the product service can be stopped and started again at the same URL
  const productPort = await freePort();
  const productModule = () =>
    ProductModule.forRoot(
      testEnv({
        databaseUrl: productDb.url,
        issuer,
        serviceKeys: { order: ORDER_KEY },
        extra: { RATE_LIMIT_PER_MINUTE: '100000', PORT: String(productPort) },
      }),
    );
  let product = await startTestService(productModule(), { listen: true });
  const productUrl = `http://127.0.0.1:${productPort}`;
  const delivery = await startFakeReceiver('delivery', ORDER_KEY);
  const payment = await startFakeReceiver('payment', ORDER_KEY);
  const orderModule = (env: Record<string, string> = {}) =>
    OrderModule.forRoot(
      testEnv({
        databaseUrl: orderDb.url,
        issuer,
        serviceKeys: {
          payment: PAYMENT_KEY,
          delivery: DELIVERY_KEY,
          cart: CART_KEY,
          'order-validation': VALIDATION_KEY,
        },
        extra: {
          RATE_LIMIT_PER_MINUTE: '100000',
          PRODUCT_SERVICE_URL: productUrl,
          DELIVERY_SERVICE_URL: delivery.url,
          PAYMENT_SERVICE_URL: payment.url,
          SERVICE_API_KEY: ORDER_KEY,
          DB_POOL_MAX: '20',
          // the tests drive the relay themselves (drain), with retries due almost at once
          OUTBOX_RELAY_ENABLED: 'false',
          OUTBOX_BACKOFF_BASE_MS: '10',
          OUTBOX_BACKOFF_MAX_MS: '20',
          // the periodic passes (expiry, cancel recovery) too, unless a suite turns them on
          ORDER_EXPIRY_INTERVAL_MS: '0',
          ORDER_CANCEL_RECOVERY_INTERVAL_MS: '0',
          ...options.orderEnv,
          ...env,
        },
      }),
    );
  const app = await startTestService(orderModule(), { listen: options.listen });
  const replicas: NestFastifyApplication[] = [];
  const adminToken = await issuer.admin();
  const pg = new Client({ connectionString: orderDb.url });
  await pg.connect();
  let productRunning = true;
  const query = async <T>(sql: string, params: unknown[] = []) =>
    (await pg.query(sql, params)).rows as T[];
  const drain = () => app.get(OutboxRelay).drainOnce();

  return {
    app,
    get product() {
      return product;
    },
    productUrl,
    delivery,
    payment,
    issuer,
    orderDb,
    adminToken,
    async customer() {
      const id = randomUUID();
      return { id, token: await issuer.customer(id) };
    },
    async createProduct(price, stock, name = `Product ${price}`) {
      const res = await request(product.getHttpServer())
        .post('/api/v1/products')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ name, price, stock_quantity: stock, category: 'order-tests' })
        .expect(201);
      return res.body.id as string;
    },
    async stockOf(productId) {
      const res = await request(product.getHttpServer())
        .get(`/api/v1/products/${productId}`)
        .expect(200);
      return res.body.stock_quantity as number;
    },
    query,
    async stopProduct() {
      if (!productRunning) return;
      productRunning = false;
      await product.close();
    },
    async startProduct() {
      if (productRunning) return;
      product = await startTestService(productModule(), { listen: true });
      productRunning = true;
    },
    drain,
    async drainAll() {
      const deadline = Date.now() + 5000;
      for (;;) {
        await drain();
        const [{ n }] = await query<{ n: number }>(
          `SELECT count(*)::int AS n FROM outbox_messages WHERE status = 'pending'`,
        );
        if (n === 0 || Date.now() > deadline) return;
        await sleep(30);
      }
    },
    outbox(orderId?: string) {
      return query<OutboxRow>(
        `SELECT id, type, aggregate_id, destination, path, payload, status, attempts, last_error
           FROM outbox_messages WHERE $1::text IS NULL OR aggregate_id = $1 ORDER BY sequence`,
        [orderId ?? null],
      );
    },
    sendEvent(type, payload, options = {}) {
      const producer = EVENT_CATALOGUE[type].producer;
      const keys: Record<string, string> = {
        payment: PAYMENT_KEY,
        delivery: DELIVERY_KEY,
        'order-validation': VALIDATION_KEY,
      };
      return request(app.getHttpServer())
        .post(EVENTS_PATH)
        .set('X-Service-Key', options.key ?? keys[producer])
        .send({
          id: options.id ?? randomUUID(),
          type,
          version: EVENT_CATALOGUE[type].version,
          occurred_at: new Date().toISOString(),
          producer,
          subject: (payload as { order_id: string }).order_id,
          payload,
        });
    },
    async replica(env = {}) {
      const replica = await startTestService(orderModule(env));
      replicas.push(replica);
      return replica;
    },
    async close() {
      await pg.end();
      for (const replica of replicas) await replica.close().catch(() => undefined);
      await app.close().catch(() => undefined);
      if (productRunning) await product.close();
      await delivery.stop();
      await payment.stop();
      await issuer.stop();
      await orderDb.drop();
      await productDb.drop();
    },
  };
}

/** A response body must never leak a stack trace or SQL. */
export function expectNoLeak(body: unknown): void {
  const text = JSON.stringify(body ?? '');
  expect(text).not.toMatch(/\bat .+\(.*:\d+:\d+\)/);
  expect(text).not.toMatch(/\bSELECT\b|\bUPDATE\b|\bINSERT\b/);
  expect(text).not.toContain('QueryFailedError');
}
