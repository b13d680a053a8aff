import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  TestDatabase,
  TestTokenIssuer,
  createTestDatabase,
  startTestService,
  testEnv,
} from '@app/testing';
import { ProductModule } from '../src/product.module';

export const SERVICE_KEY = 'order-service-test-key';

export interface ProductTestApp {
  app: NestFastifyApplication;
  db: TestDatabase;
  issuer: TestTokenIssuer;
  adminToken: string;
  customerToken: string;
  close(): Promise<void>;
}

/** The product service on its own fresh database, with a local JWKS issuer and one service key. */
export async function startProductTestApp(): Promise<ProductTestApp> {
  const db = await createTestDatabase('product');
  const issuer = await TestTokenIssuer.start();
  const env = testEnv({
    databaseUrl: db.url,
    issuer,
    serviceKeys: { order: SERVICE_KEY },
    extra: { RATE_LIMIT_PER_MINUTE: '100000' },
  });
  const app = await startTestService(ProductModule.forRoot(env));
  return {
    app,
    db,
    issuer,
    adminToken: await issuer.admin(),
    customerToken: await issuer.customer(),
    async close() {
      await app.close();
      await issuer.stop();
      await db.drop();
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
