import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { DynamicModule } from '@nestjs/common';
import {
  TestDatabase,
  TestTokenIssuer,
  createTestDatabase,
  startTestService,
  testEnv,
} from '@app/testing';
// Cross-service suites boot the real services side by side; only tests may do this.
import { CartModule } from '../../services/cart/src/cart.module';
import { DeliveryModule } from '../../services/delivery/src/delivery.module';
import { OrderModule } from '../../services/order/src/order.module';
import { OrderValidationModule } from '../../services/order-validation/src/order-validation.module';
import { PaymentModule } from '../../services/payment/src/payment.module';
import { ProductModule } from '../../services/product/src/product.module';
import { UserModule } from '../../services/user/src/user.module';

const run = promisify(execFile);
const OUT = join(__dirname, '../../.data/openapi');

const SERVICES: Array<
  [string, boolean, (env: Record<string, string | undefined>) => DynamicModule]
> = [
  ['product', true, (env) => ProductModule.forRoot(env)],
  ['user', true, (env) => UserModule.forRoot(env)],
  ['delivery', true, (env) => DeliveryModule.forRoot(env)],
  ['cart', true, (env) => CartModule.forRoot(env)],
  ['order', true, (env) => OrderModule.forRoot(env)],
  ['order-validation', false, (env) => OrderValidationModule.forRoot(env)],
  ['payment', true, (env) => PaymentModule.forRoot(env)],
];

/* eslint-disable @typescript-eslint/no-explicit-any -- documents are plain JSON here */
type Json = Record<string, any>;

/** The body Swagger UI prefills for a schema: every property's example, nested objects too. */
function prefilled(schema: Json, schemas: Json): unknown {
  if (schema.$ref) return prefilled(schemas[schema.$ref.split('/').pop()], schemas);
  const first = schema.allOf?.[0] ?? schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (first && schema.example === undefined) return prefilled(first, schemas);
  if (schema.example !== undefined) return schema.example;
  if (schema.type === 'array') return [prefilled(schema.items ?? {}, schemas)];
  if (schema.properties) {
    return Object.fromEntries(
      Object.entries<Json>(schema.properties).map(([key, value]) => [
        key,
        prefilled(value, schemas),
      ]),
    );
  }
  return undefined;
}

function prefilledBody(document: Json, path: string): unknown {
  const content = document.paths[path].post.requestBody.content['application/json'];
  return prefilled(content.schema, document.components.schemas);
}

/**
 * Executed as prefilled in Swagger UI, the registration creates a user and the login then logs
 * that user in.
 */
async function expectPrefilledRegistrationThenLogin(
  app: Awaited<ReturnType<typeof startTestService>>,
  document: Json,
): Promise<void> {
  const send = (url: string) =>
    app.inject({ method: 'POST', url, payload: prefilledBody(document, url) as object });
  expect((await send('/api/v1/users')).statusCode).toBe(201);
  const login = await send('/api/v1/auth/login');
  expect(login.statusCode).toBe(200);
  expect(login.json()).toHaveProperty('access_token');
}

/**
 * Writes each service's OpenAPI document (as served at /docs-json) to .data/openapi/ and lints
 * it with Redocly CLI under the repository's redocly.yaml: no errors allowed. (The same lint runs
 * in CI against the running stack's documents.)
 */
describe('OpenAPI documents', () => {
  let issuer: TestTokenIssuer;
  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    mkdirSync(OUT, { recursive: true });
  });
  afterAll(() => issuer.stop());

  it.each(SERVICES)('%s: the document passes redocly lint', async (name, hasDb, boot) => {
    const db: TestDatabase | undefined = hasDb
      ? await createTestDatabase(`docs_${name.replace('-', '_')}`)
      : undefined;
    const app = await startTestService(
      boot(
        testEnv({
          databaseUrl: db?.url,
          issuer,
          extra: { OUTBOX_RELAY_ENABLED: 'false', SERVICE_API_KEY: 'docs-test-service-key-0001' },
        }),
      ),
    );
    try {
      const response = await app.inject({ method: 'GET', url: '/docs-json' });
      expect(response.statusCode).toBe(200);
      const document = JSON.parse(response.body);
      const file = join(OUT, `${name}.json`);
      writeFileSync(file, JSON.stringify(document, null, 2));
      if (name === 'user') await expectPrefilledRegistrationThenLogin(app, document);
      const lint = await run('npx', ['redocly', 'lint', '--format=stylish', file], {
        cwd: join(__dirname, '../..'),
        // no usage reports to redocly.com (this machine's network reaches only the registries)
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      }).catch((error: { stdout: string; stderr: string }) => error);
      expect(`${lint.stdout}${lint.stderr}`).toMatch(
        /Your API description is valid|validated with \d+ warning/,
      );
    } finally {
      await app.close();
      await db?.drop();
    }
  });
});
