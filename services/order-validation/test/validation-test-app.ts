import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  TestDatabase,
  baseUrlOf,
  createTestDatabase,
  startTestService,
  testEnv,
} from '@app/testing';
// Tests (only tests) boot the real services this one calls, each on its own database.
import { OrderModule } from '../../order/src/order.module';
import { ProductModule } from '../../product/src/product.module';
import {
  AUDIENCE,
  ISSUER,
  PEER_KEYS,
  SERVICE_KEY as USER_ACCEPTS_KEY,
  UserTestApp,
  startUserTestApp,
} from '../../user/test/user-test-app';
import { OrderValidationModule } from '../src/order-validation.module';

/**
 * order-validation's own key (SERVICE_API_KEY). The user test app accepts it as
 * "order-validation"; the order and product services are given it under that name too.
 */
export const VALIDATION_KEY = USER_ACCEPTS_KEY;
/** The order service's key for the product service (reservations) and the user service (token checks). */
export const ORDER_KEY = PEER_KEYS.order;
/** A key the order service accepts as "payment": the test moves orders along with it. */
export const PAYMENT_KEY = 'payment-to-order-validation-test-key';
/** A key order-validation accepts (as "payment"): the test calls it as another service would. */
export const CALLER_KEY = 'payment-to-validation-test-key';

export const VALIDATE = '/api/v1/validations/validate';
export const RESULT = (orderId: string) => `/api/v1/validations/${orderId}`;

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
export const serviceKey = (key = CALLER_KEY) => ({ 'X-Service-Key': key });

export interface Customer {
  id: string;
  token: string;
}

export interface Running {
  app: NestFastifyApplication;
  http(): ReturnType<typeof request>;
  /** stops it (outage tests); idempotent, and close() of the whole stack tolerates it */
  stop(): Promise<void>;
}

export interface ValidationTestApp {
  /** the service under test (supertest, no port: nobody calls it) */
  validation: Running;
  users: UserTestApp;
  product: Running;
  order: Running;
  adminToken: string;
  customer(): Promise<Customer>;
  /** a catalog product through the product service's admin API */
  createProduct(price: number, stock?: number): Promise<string>;
  /** an order placed through the real order service, as the customer: status creada */
  placeOrder(
    customer: Customer,
    items: Array<{ product_id: string; quantity: number }>,
  ): Promise<{ id: string; total: number }>;
  /** pagada: `payment.approved` as payment's relay posts it; cancelada: the admin's cancel */
  moveOrder(orderId: string, status: 'pagada' | 'cancelada'): Promise<void>;
  stopUser(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real user, product and order services, each on its own fresh database and a real port,
 * with matching service keys and tokens issued by the real user service; then order-validation
 * pointed at the three of them.
 */
export async function startValidationTestApp(): Promise<ValidationTestApp> {
  const users = await startUserTestApp();
  const issuer = { jwksUrl: users.jwksUrl, issuer: ISSUER, audience: AUDIENCE };
  const dbs: TestDatabase[] = [];
  const started: Running[] = [];

  const start = async (module: Parameters<typeof startTestService>[0], listen: boolean) => {
    const app = await startTestService(module, { listen });
    let stopped = false;
    const running: Running = {
      app,
      http: () => request(app.getHttpServer()),
      async stop() {
        if (stopped) return;
        stopped = true;
        await app.close();
      },
    };
    started.push(running);
    return running;
  };

  const productDb = await createTestDatabase('validation_product');
  dbs.push(productDb);
  const product = await start(
    ProductModule.forRoot(
      testEnv({
        databaseUrl: productDb.url,
        issuer,
        // "order-validation" only exempts its reads from the per-IP rate limit
        serviceKeys: { order: ORDER_KEY, 'order-validation': VALIDATION_KEY },
        // its own key: it checks token versions at the user service
        extra: { RATE_LIMIT_PER_MINUTE: '100000', SERVICE_API_KEY: PEER_KEYS.product },
      }),
    ),
    true,
  );
  const productUrl = await baseUrlOf(product.app);

  const orderDb = await createTestDatabase('validation_order');
  dbs.push(orderDb);
  const order = await start(
    OrderModule.forRoot(
      testEnv({
        databaseUrl: orderDb.url,
        issuer,
        serviceKeys: { 'order-validation': VALIDATION_KEY, payment: PAYMENT_KEY },
        extra: {
          RATE_LIMIT_PER_MINUTE: '100000',
          PRODUCT_SERVICE_URL: productUrl,
          SERVICE_API_KEY: ORDER_KEY,
          OUTBOX_RELAY_ENABLED: 'false',
        },
      }),
    ),
    true,
  );
  const orderUrl = await baseUrlOf(order.app);

  const validation = await start(
    OrderValidationModule.forRoot(
      testEnv({
        issuer,
        serviceKeys: { payment: CALLER_KEY },
        extra: {
          RATE_LIMIT_PER_MINUTE: '100000',
          SERVICE_API_KEY: VALIDATION_KEY,
          ORDER_SERVICE_URL: orderUrl,
          USER_SERVICE_URL: users.baseUrl,
          PRODUCT_SERVICE_URL: productUrl,
          UPSTREAM_RETRIES: '1',
        },
      }),
    ),
    false,
  );

  const adminToken = await users.adminToken();
  let userRunning = true;

  return {
    validation,
    users,
    product,
    order,
    adminToken,
    async customer() {
      const { id, token } = await users.register({ name: 'Validation customer' });
      return { id, token };
    },
    async createProduct(price, stock = 100) {
      const res = await product
        .http()
        .post('/api/v1/products')
        .set(bearer(adminToken))
        .send({
          name: `Validated ${price}`,
          price,
          stock_quantity: stock,
          category: 'validation-tests',
        });
      if (res.status !== 201) throw new Error(`create product: ${res.status} ${res.text}`);
      return res.body.id as string;
    },
    async placeOrder(customer, items) {
      const res = await order
        .http()
        .post('/api/v1/orders')
        .set(bearer(customer.token))
        .send({ user_id: customer.id, items });
      if (res.status !== 201) throw new Error(`place order: ${res.status} ${res.text}`);
      return { id: res.body.id as string, total: res.body.total as number };
    },
    async moveOrder(orderId, status) {
      const res =
        status === 'pagada'
          ? await order
              .http()
              .post('/api/v1/internal/events')
              .set(serviceKey(PAYMENT_KEY))
              .send({
                id: randomUUID(),
                type: 'payment.approved',
                version: 1,
                occurred_at: new Date().toISOString(),
                producer: 'payment',
                subject: orderId,
                payload: { payment_id: randomUUID(), order_id: orderId, amount: 1 },
              })
          : await order.http().post(`/api/v1/orders/${orderId}/cancel`).set(bearer(adminToken));
      if (res.status !== 200) throw new Error(`move order: ${res.status} ${res.text}`);
    },
    async stopUser() {
      if (!userRunning) return;
      userRunning = false;
      await users.app.close();
    },
    async close() {
      for (const running of started.reverse()) await running.stop().catch(() => undefined);
      if (userRunning) await users.close();
      else await users.db.drop();
      for (const db of dbs) await db.drop();
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
