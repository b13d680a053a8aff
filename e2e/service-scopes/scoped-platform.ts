import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SERVICE_NAMES, ServiceName } from '@app/platform';
import {
  TestDatabase,
  TestTokenIssuer,
  createTestDatabase,
  freePort,
  startTestService,
  testEnv,
} from '@app/testing';
// This suite boots every real service side by side; only tests may do this.
import { CartModule } from '../../services/cart/src/cart.module';
import { DeliveryModule } from '../../services/delivery/src/delivery.module';
import { OrderModule } from '../../services/order/src/order.module';
import { OrderValidationModule } from '../../services/order-validation/src/order-validation.module';
import { PaymentModule } from '../../services/payment/src/payment.module';
import { ProductModule } from '../../services/product/src/product.module';
import { UserModule } from '../../services/user/src/user.module';

/** One key per service, each known to every receiver, as docker compose configures them. */
export const KEYS: Readonly<Record<ServiceName, string>> = Object.fromEntries(
  SERVICE_NAMES.map((name) => [name, `${name}-scoped-test-key-0001`]),
) as Record<ServiceName, string>;

type Boot = (env: Record<string, string | undefined>) => DynamicModule;

const BOOT: Record<ServiceName, { boot: Boot; database: boolean }> = {
  product: { boot: (e) => ProductModule.forRoot(e), database: true },
  user: { boot: (e) => UserModule.forRoot(e), database: true },
  order: { boot: (e) => OrderModule.forRoot(e), database: true },
  payment: { boot: (e) => PaymentModule.forRoot(e), database: true },
  delivery: { boot: (e) => DeliveryModule.forRoot(e), database: true },
  'order-validation': { boot: (e) => OrderValidationModule.forRoot(e), database: false },
  cart: { boot: (e) => CartModule.forRoot(e), database: true },
};

/**
 * The seven real services in one process, each on its own port and database, calling each other
 * over HTTP. Every receiver accepts all seven keys (the compose configuration), so which key a
 * route takes is decided by the route alone. Outbox relays stay off: nothing moves by itself.
 */
export class ScopedPlatform {
  private constructor(
    readonly issuer: TestTokenIssuer,
    readonly apps: Map<ServiceName, NestFastifyApplication>,
    private readonly databases: TestDatabase[],
  ) {}

  static async start(): Promise<ScopedPlatform> {
    const issuer = await TestTokenIssuer.start();
    const ports = Object.fromEntries(
      await Promise.all(SERVICE_NAMES.map(async (name) => [name, await freePort()] as const)),
    ) as Record<ServiceName, number>;
    const urls = Object.fromEntries(
      SERVICE_NAMES.map((name) => [
        `${name.toUpperCase().replace(/-/g, '_')}_SERVICE_URL`,
        `http://127.0.0.1:${ports[name]}`,
      ]),
    );
    const platform = new ScopedPlatform(issuer, new Map(), []);
    for (const name of SERVICE_NAMES) {
      const db = BOOT[name].database
        ? await createTestDatabase(`scopes_${name.replace('-', '_')}`)
        : undefined;
      if (db) platform.databases.push(db);
      const env = testEnv({
        databaseUrl: db?.url,
        issuer,
        serviceKeys: KEYS,
        extra: {
          ...urls,
          PORT: String(ports[name]),
          SERVICE_API_KEY: KEYS[name],
          RATE_LIMIT_PER_MINUTE: '100000',
          AUTH_RATE_LIMIT_PER_MINUTE: '100000',
          PASSWORD_SCRYPT_LOG_N: '12',
          OUTBOX_RELAY_ENABLED: 'false',
          PAYMENT_RECONCILE_INTERVAL_MS: '0',
          UPSTREAM_TIMEOUT_MS: '2000',
          UPSTREAM_RETRIES: '0',
        },
      });
      platform.apps.set(name, await startTestService(BOOT[name].boot(env), { listen: true }));
    }
    return platform;
  }

  app(name: ServiceName): NestFastifyApplication {
    const app = this.apps.get(name);
    if (!app) throw new Error(`${name} is not running`);
    return app;
  }

  async stop(): Promise<void> {
    for (const app of this.apps.values()) await app.close();
    for (const db of this.databases) await db.drop();
    await this.issuer.stop();
  }
}
