import { setTimeout as sleep } from 'node:timers/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import request from 'supertest';
import { AmqpEventBroker, EventBroker, MemoryOutboxRelay, OutboxRelay } from '@app/platform';
import {
  TestDatabase,
  TestTokenIssuer,
  createTestDatabase,
  freePort,
  startTestService,
  testEnv,
} from '@app/testing';
import {
  brokerBacklog,
  brokerEnv,
  brokerPrefix,
  deleteBrokerTopology,
} from '../support/broker-under-test';
// Cross-service suites boot the real services side by side; only tests may do this.
import { DeliveryModule } from '../../services/delivery/src/delivery.module';
import { OrderModule } from '../../services/order/src/order.module';
import { OrderValidationModule } from '../../services/order-validation/src/order-validation.module';
import { PaymentModule } from '../../services/payment/src/payment.module';
import { ProductModule } from '../../services/product/src/product.module';
import { UserModule } from '../../services/user/src/user.module';

export type ServiceName =
  'product' | 'user' | 'order' | 'payment' | 'delivery' | 'order-validation';

const KEYS = {
  order: 'order-key-in-process-0001',
  payment: 'payment-key-in-process-0001',
  delivery: 'delivery-key-in-process-0001',
  'order-validation': 'validation-key-in-process-0001',
} as const;

interface Running {
  app?: NestFastifyApplication;
  port: number;
  db?: TestDatabase;
  env: Record<string, string | undefined>;
  boot: (env: Record<string, string | undefined>) => ReturnType<typeof ProductModule.forRoot>;
}

/**
 * Six real services in one process, each on its own port and database (order-validation has
 * none: its events wait in its in-memory outbox), talking over real HTTP with per-service keys,
 * exactly as under `npm start`. Their outbox relays (in memory too) do not run on a
 * timer: `settle()` drives them, so a test decides when messages move.
 */
export class InProcessPlatform {
  readonly services = new Map<ServiceName, Running>();

  /** this platform's names on the shared broker (when the suites run over RabbitMQ) */
  private readonly brokerPrefix = brokerPrefix();

  private constructor(readonly issuer: TestTokenIssuer) {}

  /** `env`: variables added to (or overriding) one service's environment, e.g. a short timeout */
  static async start(
    options: { env?: Partial<Record<ServiceName, Record<string, string>>> } = {},
  ): Promise<InProcessPlatform> {
    const platform = new InProcessPlatform(await TestTokenIssuer.start());
    const names: ServiceName[] = [
      'product',
      'user',
      'order',
      'payment',
      'delivery',
      'order-validation',
    ];
    const ports = Object.fromEntries(
      await Promise.all(names.map(async (name) => [name, await freePort()] as const)),
    ) as Record<ServiceName, number>;
    const url = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;
    const common = {
      RATE_LIMIT_PER_MINUTE: '100000',
      OUTBOX_RELAY_ENABLED: 'false',
      OUTBOX_BACKOFF_BASE_MS: '20',
      OUTBOX_BACKOFF_MAX_MS: '40',
      OUTBOX_MAX_ATTEMPTS: '1000',
      // six services and the suite share one event loop: a busy machine (parallel suites) can
      // hold a healthy answer past 1 s; a stopped service refuses its port at once anyway
      UPSTREAM_TIMEOUT_MS: '3000',
      UPSTREAM_RETRIES: '0',
      UPSTREAM_BREAKER_THRESHOLD: '1000',
      ...brokerEnv(platform.brokerPrefix),
    };
    const plan: Array<
      [ServiceName, Record<string, string>, Record<string, string>, Running['boot'], boolean]
    > = [
      [
        'product',
        { order: KEYS.order, 'order-validation': KEYS['order-validation'] },
        {},
        (e) => ProductModule.forRoot(e),
        true,
      ],
      [
        'user',
        { 'order-validation': KEYS['order-validation'] },
        { PASSWORD_SCRYPT_LOG_N: '12', AUTH_RATE_LIMIT_PER_MINUTE: '100000' },
        (e) => UserModule.forRoot(e),
        true,
      ],
      [
        'order',
        {
          payment: KEYS.payment,
          delivery: KEYS.delivery,
          'order-validation': KEYS['order-validation'],
        },
        {
          SERVICE_API_KEY: KEYS.order,
          PRODUCT_SERVICE_URL: url('product'),
          PAYMENT_SERVICE_URL: url('payment'),
          DELIVERY_SERVICE_URL: url('delivery'),
        },
        (e) => OrderModule.forRoot(e),
        true,
      ],
      [
        'payment',
        { order: KEYS.order },
        {
          SERVICE_API_KEY: KEYS.payment,
          ORDER_SERVICE_URL: url('order'),
          PAYMENT_RECONCILE_INTERVAL_MS: '0',
        },
        (e) => PaymentModule.forRoot(e),
        true,
      ],
      [
        'delivery',
        { order: KEYS.order },
        { SERVICE_API_KEY: KEYS.delivery, ORDER_SERVICE_URL: url('order') },
        (e) => DeliveryModule.forRoot(e),
        true,
      ],
      [
        'order-validation',
        {},
        {
          SERVICE_API_KEY: KEYS['order-validation'],
          ORDER_SERVICE_URL: url('order'),
          USER_SERVICE_URL: url('user'),
          PRODUCT_SERVICE_URL: url('product'),
        },
        (e) => OrderValidationModule.forRoot(e),
        false,
      ],
    ];
    for (const [name, serviceKeys, extra, boot, hasDatabase] of plan) {
      const db = hasDatabase ? await createTestDatabase(name.replace('-', '_')) : undefined;
      const env = testEnv({
        databaseUrl: db?.url,
        issuer: platform.issuer,
        serviceKeys,
        extra: { ...common, ...extra, ...options.env?.[name], PORT: String(ports[name]) },
      });
      platform.services.set(name, { port: ports[name], db, env, boot });
    }
    for (const name of names) await platform.up(name);
    return platform;
  }

  app(name: ServiceName): NestFastifyApplication {
    const app = this.services.get(name)?.app;
    if (!app) throw new Error(`${name} is not running`);
    return app;
  }

  http(name: ServiceName) {
    return request(this.app(name).getHttpServer());
  }

  /** Starts (or restarts, on the same port and database) one service. */
  async up(name: ServiceName): Promise<void> {
    const service = this.services.get(name)!;
    service.app = await startTestService(service.boot(service.env), { listen: true });
  }

  /** Stops one service: its port refuses connections, as a crashed process would. */
  async down(name: ServiceName): Promise<void> {
    const service = this.services.get(name)!;
    await service.app?.close();
    service.app = undefined;
  }

  /**
   * Drives every running relay until no message is pending anywhere and, over RabbitMQ, no
   * event waits in a consumer's queue, twice in a row (a handler may still be committing the
   * events it produces), or until the deadline.
   */
  async settle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    for (;;) {
      const running = [...this.services.values()].filter((s) => s.app);
      await Promise.all(running.map((s) => relayOf(s.app!)?.drainOnce()));
      // a delivery being handled is in no queue's count: its outcome is still to come
      const handling = running.reduce((n, s) => n + (brokerOf(s.app!)?.handling ?? 0), 0);
      const idle =
        handling === 0 &&
        (await this.pending()) === 0 &&
        (await brokerBacklog(this.brokerPrefix)) === 0;
      quiet = idle ? quiet + 1 : 0;
      if (quiet >= 2 || Date.now() > deadline) return;
      await sleep(idle ? 100 : 50);
    }
  }

  /**
   * Events not applied yet, wherever they wait: in the producers' outboxes (HTTP push, or not
   * yet handed to the broker) or in the consumers' queues (RabbitMQ).
   */
  async waiting(): Promise<number> {
    return (await this.pending()) + (await brokerBacklog(this.brokerPrefix));
  }

  /** Messages not yet acknowledged in the outboxes (PostgreSQL or memory) of the running services. */
  async pending(): Promise<number> {
    let total = 0;
    for (const service of this.services.values()) {
      if (!service.app) continue;
      if (!service.db) {
        total += memoryRelayOf(service.app)?.waiting ?? 0;
        continue;
      }
      const dataSource = service.app.get(DataSource);
      const [{ exists }] = await dataSource.query(
        `SELECT to_regclass('outbox_messages') IS NOT NULL AS exists`,
      );
      if (!exists) continue;
      const [{ count }] = await dataSource.query(
        `SELECT count(*)::int AS count FROM outbox_messages WHERE status = 'pending'`,
      );
      total += count;
    }
    return total;
  }

  async stop(): Promise<void> {
    for (const service of this.services.values()) await service.app?.close();
    for (const service of this.services.values()) await service.db?.drop();
    await this.issuer.stop();
    await deleteBrokerTopology(this.brokerPrefix);
  }
}

/** The relay of a service's outbox: in PostgreSQL, or in memory (no database); none without messaging. */
function relayOf(app: NestFastifyApplication): { drainOnce(): Promise<number> } | undefined {
  return optional(() => app.get(OutboxRelay)) ?? memoryRelayOf(app);
}

/** The service's RabbitMQ broker when it runs over one (AMQP_URL), else undefined. */
function brokerOf(app: NestFastifyApplication): { handling: number } | undefined {
  const broker = optional(() => app.get(EventBroker));
  return broker instanceof AmqpEventBroker ? broker : undefined;
}

function memoryRelayOf(app: NestFastifyApplication): MemoryOutboxRelay | undefined {
  return optional(() => app.get(MemoryOutboxRelay));
}

function optional<T>(get: () => T): T | undefined {
  try {
    return get();
  } catch {
    return undefined;
  }
}
