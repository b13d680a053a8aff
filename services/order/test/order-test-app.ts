import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import {
  TestDatabase,
  TestTokenIssuer,
  baseUrlOf,
  createTestDatabase,
  startTestService,
  testEnv,
} from '@app/testing';
// Tests only: the real product service, booted in-process and called over HTTP.
import { ProductModule } from '../../product/src/product.module';
import { OrderModule } from '../src/order.module';

/** The key the order service calls the product service with (product's SERVICE_API_KEYS.order). */
export const ORDER_KEY = 'order-to-product-test-key';
/** Keys of the services that may call the order service's internal endpoints. */
export const PAYMENT_KEY = 'payment-to-order-test-key';
export const DELIVERY_KEY = 'delivery-to-order-test-key';
export const CART_KEY = 'cart-to-order-test-key';

export interface Customer {
  id: string;
  token: string;
}

export interface OrderTestApp {
  app: NestFastifyApplication;
  product: NestFastifyApplication;
  productUrl: string;
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
  const product = await startTestService(
    ProductModule.forRoot(
      testEnv({
        databaseUrl: productDb.url,
        issuer,
        serviceKeys: { order: ORDER_KEY },
        extra: { RATE_LIMIT_PER_MINUTE: '100000' },
      }),
    ),
    { listen: true },
  );
  const productUrl = await baseUrlOf(product);
  const app = await startTestService(
    OrderModule.forRoot(
      testEnv({
        databaseUrl: orderDb.url,
        issuer,
        serviceKeys: { payment: PAYMENT_KEY, delivery: DELIVERY_KEY, cart: CART_KEY },
        extra: {
          RATE_LIMIT_PER_MINUTE: '100000',
          PRODUCT_SERVICE_URL: productUrl,
          SERVICE_API_KEY: ORDER_KEY,
          DB_POOL_MAX: '20',
          ...options.orderEnv,
        },
      }),
    ),
    { listen: options.listen },
  );
  const adminToken = await issuer.admin();
  const pg = new Client({ connectionString: orderDb.url });
  await pg.connect();
  let productRunning = true;

  return {
    app,
    product,
    productUrl,
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
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pg.query(sql, params)).rows as T[];
    },
    async stopProduct() {
      if (!productRunning) return;
      productRunning = false;
      await product.close();
    },
    async close() {
      await pg.end();
      await app.close().catch(() => undefined);
      if (productRunning) await product.close();
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
