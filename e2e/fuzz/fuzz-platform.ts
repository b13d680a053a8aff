import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { OutboxRelay, SERVICE_NAMES, ServiceName } from '@app/platform';
import {
  TestDatabase,
  TestTokenIssuer,
  createTestDatabase,
  freePort,
  startTestService,
  testEnv,
} from '@app/testing';
// The fuzz suite boots the seven real services side by side; only tests may do this.
import { CartModule } from '../../services/cart/src/cart.module';
import { DeliveryModule } from '../../services/delivery/src/delivery.module';
import { OrderModule } from '../../services/order/src/order.module';
import { OrderValidationModule } from '../../services/order-validation/src/order-validation.module';
import { PaymentModule } from '../../services/payment/src/payment.module';
import { ProductModule } from '../../services/product/src/product.module';
import { UserModule } from '../../services/user/src/user.module';

/** The user service's initial admin; its id is the subject of the fuzzer's admin tokens. */
export const FUZZ_ADMIN = { email: 'admin@fuzz.test', password: 'fuzz-admin-password-0001' };

// the platform's list of the seven (boot order: product and user first, payment last)
export const SERVICES = SERVICE_NAMES;
export type { ServiceName };

/** Each service's own outgoing key; every service is told all seven (see `start`). */
export const SERVICE_KEYS: Record<ServiceName, string> = Object.fromEntries(
  SERVICES.map((name) => [name, `${name}-fuzz-service-key-0001`]),
) as Record<ServiceName, string>;

interface Plan {
  boot: (env: Record<string, string | undefined>) => DynamicModule;
  database: boolean;
  upstreams: ServiceName[];
  extra?: Record<string, string>;
}

const PLANS: Record<ServiceName, Plan> = {
  product: { boot: (e) => ProductModule.forRoot(e), database: true, upstreams: [] },
  user: {
    boot: (e) => UserModule.forRoot(e),
    database: true,
    upstreams: [],
    // cheap hashing and no lockout: the fuzzer logs in with wrong passwords on purpose
    extra: {
      PASSWORD_SCRYPT_LOG_N: '10',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      LOGIN_MAX_FAILURES_PER_EMAIL: '1000',
      // a real admin: the user service checks a token's version against its own rows
      ADMIN_EMAIL: FUZZ_ADMIN.email,
      ADMIN_PASSWORD: FUZZ_ADMIN.password,
    },
  },
  delivery: { boot: (e) => DeliveryModule.forRoot(e), database: true, upstreams: ['order'] },
  cart: {
    boot: (e) => CartModule.forRoot(e),
    database: true,
    upstreams: ['product', 'order'],
  },
  order: {
    boot: (e) => OrderModule.forRoot(e),
    database: true,
    upstreams: ['product', 'payment', 'delivery'],
  },
  'order-validation': {
    boot: (e) => OrderValidationModule.forRoot(e),
    database: false,
    upstreams: ['order', 'user', 'product'],
  },
  payment: {
    boot: (e) => PaymentModule.forRoot(e),
    database: true,
    upstreams: ['order'],
    extra: { PAYMENT_RECONCILE_INTERVAL_MS: '0' },
  },
};

interface Running {
  app: NestFastifyApplication;
  db?: TestDatabase;
  url: string;
}

/**
 * The seven real services in one process, each on its own port and fresh database, talking
 * real HTTP with per-service keys. Relays do not run on a timer (`drain()` moves messages once,
 * for the setup data); rate limits are out of the way so the fuzzer reaches validation.
 *
 * Every service accepts the key of every other service: which caller a route admits is the
 * route's business (ServiceAuth), and the fuzzer finds the admitted key by asking.
 */
export class FuzzPlatform {
  private readonly running = new Map<ServiceName, Running>();

  private constructor(readonly issuer: TestTokenIssuer) {}

  static async start(): Promise<FuzzPlatform> {
    const platform = new FuzzPlatform(await TestTokenIssuer.start());
    try {
      await platform.boot();
    } catch (error) {
      await platform.stop();
      throw error;
    }
    return platform;
  }

  private async boot(): Promise<void> {
    const ports = Object.fromEntries(
      await Promise.all(SERVICES.map(async (name) => [name, await freePort()] as const)),
    ) as Record<ServiceName, number>;
    const url = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;
    const common = {
      RATE_LIMIT_PER_MINUTE: '1000000',
      OUTBOX_RELAY_ENABLED: 'false',
      // generous: on a loaded machine a slow upstream would answer 503, which is not what is tested
      UPSTREAM_TIMEOUT_MS: '10000',
      UPSTREAM_RETRIES: '0',
      UPSTREAM_BREAKER_THRESHOLD: '1000000',
      LOG_LEVEL: 'fatal',
    };
    const databases = await Promise.all(
      SERVICES.map((name) =>
        PLANS[name].database ? createTestDatabase(`fuzz_${name.replace('-', '_')}`) : undefined,
      ),
    );
    for (const [index, name] of SERVICES.entries()) {
      const plan = PLANS[name];
      const db = databases[index];
      const upstreamUrls = Object.fromEntries(
        plan.upstreams.map((u) => [`${u.toUpperCase().replace('-', '_')}_SERVICE_URL`, url(u)]),
      );
      const env = testEnv({
        databaseUrl: db?.url,
        issuer: this.issuer,
        serviceKeys: SERVICE_KEYS,
        extra: {
          ...common,
          ...plan.extra,
          ...upstreamUrls,
          SERVICE_API_KEY: SERVICE_KEYS[name],
          PORT: String(ports[name]),
        },
      });
      // registered before booting so stop() drops the database even if the boot fails
      this.running.set(name, { app: undefined as never, db, url: url(name) });
      const app = await startTestService(plan.boot(env), { listen: true });
      this.running.set(name, { app, db, url: url(name) });
    }
  }

  url(name: ServiceName): string {
    const service = this.running.get(name);
    if (!service) throw new Error(`${name} is not running`);
    return service.url;
  }

  /** Moves every pending outbox message once per round until none is left (setup data only). */
  async drain(rounds = 5): Promise<void> {
    for (let round = 0; round < rounds; round++) {
      let moved = 0;
      for (const service of this.running.values()) {
        if (!service.app || !service.db) continue;
        let relay: OutboxRelay;
        try {
          relay = service.app.get(OutboxRelay);
        } catch {
          continue; // a service without messaging
        }
        moved += await relay.drainOnce();
      }
      if (moved === 0) return;
    }
  }

  /** Stops everything, databases dropped even when a close fails; then reports that failure. */
  async stop(): Promise<void> {
    const failures: unknown[] = [];
    for (const service of this.running.values()) {
      await service.app?.close().catch((error: unknown) => failures.push(error));
    }
    for (const service of this.running.values()) await service.db?.drop();
    await this.issuer.stop();
    if (failures.length > 0) throw failures[0];
  }
}
