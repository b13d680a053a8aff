import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import {
  TestDatabase,
  TestTokenIssuer,
  baseUrlOf,
  createTestDatabase,
  freePort,
  startTestService,
  testEnv,
} from '@app/testing';
// Tests (only tests) boot the real upstream services this one calls.
import { OrderModule } from '../../order/src/order.module';
import { ProductModule } from '../../product/src/product.module';
import { CartModule } from '../src/cart.module';

/** One key per calling service, as npm start hands them out. */
export const KEYS = {
  cart: 'cart-service-test-key-000000',
  order: 'order-service-test-key-00000',
} as const;

export { freePort };

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface RunningService {
  app: NestFastifyApplication;
  db: TestDatabase;
  url: string;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The real product service on its own database, serving HTTP on a free port. */
export async function startProduct(issuer: TestTokenIssuer): Promise<RunningService> {
  const db = await createTestDatabase('cart_product');
  const env = testEnv({
    databaseUrl: db.url,
    issuer,
    serviceKeys: { order: KEYS.order, cart: KEYS.cart },
    extra: { RATE_LIMIT_PER_MINUTE: '100000' },
  });
  const app = await startTestService(ProductModule.forRoot(env), { listen: true });
  return running(app, db);
}

/**
 * The real order service on its own database, serving HTTP on a free port: it reserves stock
 * at the product service with its own key and accepts the cart's key (rate-limit exemption).
 */
export async function startOrder(
  issuer: TestTokenIssuer,
  productUrl: string,
): Promise<RunningService> {
  const db = await createTestDatabase('cart_order');
  const env = testEnv({
    databaseUrl: db.url,
    issuer,
    serviceKeys: { cart: KEYS.cart },
    extra: {
      RATE_LIMIT_PER_MINUTE: '100000',
      PRODUCT_SERVICE_URL: productUrl,
      SERVICE_API_KEY: KEYS.order,
      // the cart suites never pay or cancel: no outbox deliveries to payment or delivery
      OUTBOX_RELAY_ENABLED: 'false',
    },
  });
  const app = await startTestService(OrderModule.forRoot(env), { listen: true });
  return running(app, db);
}

export interface CartOptions {
  productUrl: string;
  orderUrl: string;
  /** share a database with another instance; it is then not dropped by close() */
  db?: TestDatabase;
  extra?: Record<string, string>;
}

/** The cart service under test (supertest, no port), calling the given upstreams. */
export async function startCart(
  issuer: TestTokenIssuer,
  options: CartOptions,
): Promise<RunningService> {
  const db = options.db ?? (await createTestDatabase('cart'));
  const env = testEnv({
    databaseUrl: db.url,
    issuer,
    extra: {
      RATE_LIMIT_PER_MINUTE: '100000',
      SERVICE_API_KEY: KEYS.cart,
      PRODUCT_SERVICE_URL: options.productUrl,
      ORDER_SERVICE_URL: options.orderUrl,
      ...options.extra,
    },
  });
  const app = await startTestService(CartModule.forRoot(env));
  return running(app, db, !options.db);
}

async function running(
  app: NestFastifyApplication,
  db: TestDatabase,
  ownsDb = true,
): Promise<RunningService> {
  const url = app.getHttpServer().listening ? await baseUrlOf(app) : '';
  let closed = false;
  return {
    app,
    db,
    url,
    http: () => request(app.getHttpServer()),
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      if (ownsDb) await db.drop();
    },
  };
}

/** Creates a catalog product through the product API (admin) and returns its id. */
export async function createProduct(
  product: RunningService,
  adminToken: string,
  fields: { name?: string; price: number; stock_quantity: number },
): Promise<string> {
  const res = await product
    .http()
    .post('/api/v1/products')
    .set(bearer(adminToken))
    .send({ name: fields.name ?? `Product ${fields.price}`, category: 'cart-test', ...fields });
  if (res.status !== 201) throw new Error(`create product: ${res.status} ${res.text}`);
  return res.body.id as string;
}

export async function stockOf(product: RunningService, id: string): Promise<number> {
  const res = await product.http().get(`/api/v1/products/${id}`);
  if (res.status !== 200) throw new Error(`get product: ${res.status} ${res.text}`);
  return res.body.stock_quantity as number;
}

/** A response body must never leak a stack trace or SQL. */
export function expectNoLeak(body: unknown): void {
  const text = JSON.stringify(body ?? '');
  expect(text).not.toMatch(/\bat .+\(.*:\d+:\d+\)/);
  expect(text).not.toMatch(/\bSELECT\b|\bUPDATE\b|\bINSERT\b/);
  expect(text).not.toContain('QueryFailedError');
}
