import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { applyMigrations } from './database/apply-migrations';
import { ReplicaLocks } from './database/replica-locks';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ConfigModule } from '@nestjs/config';
import { EventOutbox, IdempotencyStore, MessageInbox, UnitOfWork } from '@app/kernel';
import { EVENT_CATALOGUE, EVENT_TYPES, EventParty, eventsConsumedBy } from '@app/contracts';
import { AmqpEventBroker, catalogueSubscriptions } from './events/amqp/amqp-event-broker';
import { AmqpSettings, loadAmqpSettings } from './events/amqp/amqp.config';
import { BrokerBacklogWaker } from './events/broker-backlog-waker';
import { BrokerConsumer } from './events/broker-consumer';
import { BrokerLifecycle } from './events/broker-lifecycle';
import { DeadLettersAdminController } from './events/dead-letters-admin.controller';
import { EventBroker } from './events/event-broker';
import { EVENT_HANDLERS_TYPE, EventDispatcher } from './events/event-dispatcher';
import { EventHandlers } from './events/event-handlers';
import { EVENT_TRANSPORT, EventTransportKind } from './events/event-routing';
import { eventsControllerFor } from './events/events.controller';
import { TypeormEventOutbox } from './events/typeorm-event-outbox';
import { MemoryOutboxRelay } from './events/memory/memory-outbox-relay';
import { memoryOutboxProviders } from './events/memory/memory-outbox.providers';
import type { ServiceName } from './auth/service-name';
import { withIdempotency } from './idempotency/idempotency';
import {
  IdempotencyOptions,
  IdempotencySettings,
  loadIdempotencySettings,
} from './idempotency/idempotency.config';
import { TypeormIdempotencyStore } from './idempotency/typeorm-idempotency-store';
import { withMessaging } from './messaging/messaging';
import { MessagingSettings, loadMessagingSettings } from './messaging/messaging.config';
import { OutboxAdminController } from './messaging/outbox-admin.controller';
import { OutboxRelay } from './messaging/outbox-relay';
import { TypeormMessageInbox } from './messaging/typeorm-message-inbox';
import { JwtAuthGuard } from './auth/jwt-auth.guard';
import { JwtVerifier } from './auth/jwt-verifier';
import { RemoteTokenStateSource } from './auth/remote-token-state-source';
import { TokenStateSource } from './auth/token-state';
import { TokenStateNoticesController } from './auth/token-state-notices.controller';
import { TokenStateBroadcast } from './auth/token-state-broadcast';
import { ServiceKeyGuard } from './auth/service-key.guard';
import { ServiceKeyVerifier } from './auth/service-key.verifier';
import { loadConfigs } from './config/config-error';
import { PlatformConfig, loadPlatformConfig } from './config/platform.config';
import { DatabaseDefinition, dataSourceOptions } from './database/database-options';
import { ClsUnitOfWork } from './database/cls-unit-of-work';
import { requestContextModule } from './context/request-context.module';
import { ProblemExceptionFilter } from './errors/problem-exception.filter';
import { EXTRA_HEALTH_CHECKS, HealthController } from './health/health.controller';
import { HealthIndicatorService } from '@nestjs/terminus';
import { pingUpstream } from './health/upstream-ping';
import { sharedHttpTransport } from './http/http-transport';
import type { UpstreamSettings } from './http/upstream.config';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { PlatformThrottlerGuard } from './throttling/platform-throttler.guard';
import { FixedWindowThrottlerStorage } from './throttling/fixed-window-throttler-storage';
import { SharedThrottlerStorage } from './throttling/shared-throttler-storage';
import { SharedRedis } from './redis/shared-redis';
import { createValidationPipe } from './validation/validation-pipe';
import { UPSTREAM_SETTINGS, UpstreamClients } from './http/upstream-clients';
import { loadUpstreamSettings } from './http/upstream.config';

export interface PlatformModuleOptions {
  /** the service's name as in SPEC.md: product, user, cart, … */
  service: string;
  /** raw environment; process.env in main.ts, a per-suite record in tests */
  env: Record<string, string | undefined>;
  /** entities and migrations of the service's own database; omit for services without one */
  database?: DatabaseDefinition;
  /** services this one calls over HTTP (e.g. ['product']); gives UpstreamClients */
  upstreams?: string[];
  /**
   * Transactional outbox + inbox: adds their tables and migration, binds EventOutbox and
   * MessageInbox, runs the relay, serves /api/v1/admin/outbox. Without `database` (a producer
   * with its state in memory: order-validation) EventOutbox is the in-memory outbox and its
   * relay instead, and there is no inbox. The consumers of the events the service produces
   * become its upstreams (from the catalogue).
   */
  messaging?: boolean;
  /**
   * Idempotency-Key store (needs `database`): adds the `idempotency_keys` table and its
   * migration, binds the kernel's IdempotencyStore to the TypeORM adapter, validates
   * IDEMPOTENCY_TTL_HOURS and IDEMPOTENCY_LEASE_SECONDS (its default the service's own).
   */
  idempotency?: IdempotencyOptions;
  /** upstreams whose /health this service's /health reports (order-validation: no database) */
  healthOfUpstreams?: string[];
  /**
   * Where JwtVerifier reads users' token versions: by default the user service's token-state
   * route (cached). The user service passes its own database-backed source.
   */
  tokenStateSource?: Type<TokenStateSource>;
  /**
   * The service's handlers of the events it consumes (needs `messaging` and `database`): serves
   * POST /api/v1/internal/events for their producers and dispatches what arrives there (or from
   * the broker) through the inbox. A class whose use cases live in the service's module is also
   * listed among that module's providers (the dispatcher finds it there).
   */
  eventHandlers?: Type<EventHandlers>;
}

/**
 * Everything that makes a Nest app one of ours: configuration, logging, database,
 * errors, validation, health, metrics, throttling and the auth building blocks.
 * Config is validated here, at module creation, so a bad variable stops the process.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    if (options.eventHandlers && !(options.messaging && options.database)) {
      throw new Error('eventHandlers need messaging and a database: the inbox lives in it');
    }
    if (options.idempotency && !options.database) {
      throw new Error('idempotency needs a database: the keys live in it');
    }
    let database =
      options.database && options.messaging ? withMessaging(options.database) : options.database;
    if (database && options.idempotency) database = withIdempotency(database);
    // every part's variables are checked before any problem is reported
    const [config, upstreamSettings, messagingSettings, idempotencySettings, amqpSettings] =
      loadConfigs(
        () =>
          loadPlatformConfig({
            service: options.service,
            env: options.env,
            database: options.database !== undefined,
          }),
        () => {
          const names = upstreamNames(options);
          return names.length ? loadUpstreamSettings(names, options.env) : null;
        },
        () => (options.messaging ? loadMessagingSettings(options.env) : null),
        () =>
          options.idempotency ? loadIdempotencySettings(options.env, options.idempotency) : null,
        () => (options.messaging ? loadAmqpSettings(options.env) : null),
      );

    const sharedRedis = SharedRedis.connect(config.redis, config.service);
    const imports: Array<DynamicModule | Promise<DynamicModule>> = [
      ConfigModule.forRoot({
        isGlobal: true,
        ignoreEnvFile: true,
        skipProcessEnv: true,
        load: [() => ({ platform: config })],
      }),
      TerminusModule.forRoot({
        errorLogStyle: 'json',
        gracefulShutdownTimeoutMs:
          config.nodeEnv === 'test' ? 0 : Math.min(config.shutdownTimeoutMs, 2000),
        logger: false,
      }),
      ThrottlerModule.forRoot({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }],
        storage: sharedRedis.client
          ? new SharedThrottlerStorage(sharedRedis)
          : new FixedWindowThrottlerStorage(),
      }),
    ];

    const providers: Provider[] = [
      { provide: PlatformConfig, useValue: config },
      { provide: SharedRedis, useValue: sharedRedis },
      { provide: 'PLATFORM_HAS_DATABASE', useValue: options.database !== undefined },
      { provide: APP_FILTER, useClass: ProblemExceptionFilter },
      { provide: APP_PIPE, useFactory: createValidationPipe },
      { provide: APP_GUARD, useClass: PlatformThrottlerGuard },
      options.tokenStateSource
        ? { provide: TokenStateSource, useClass: options.tokenStateSource }
        : {
            provide: TokenStateSource,
            useFactory: () => RemoteTokenStateSource.fromConfig(config, options.env),
          },
      JwtVerifier,
      JwtAuthGuard,
      ServiceKeyVerifier,
      ServiceKeyGuard,
      MetricsService,
    ];
    const exported: Array<
      Provider | string | symbol | (abstract new (...args: never[]) => unknown)
    > = [
      PlatformConfig,
      SharedRedis,
      JwtVerifier,
      JwtAuthGuard,
      ServiceKeyVerifier,
      ServiceKeyGuard,
      MetricsService,
    ];

    if (database) {
      const definition = database;
      imports.push(
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(config, definition),
            retryAttempts: 5,
            retryDelay: 1000,
            // Entities are passed explicitly per service; no glob, so builds and jest agree.
            autoLoadEntities: false,
          }),
          // pending migrations applied at start, once across replicas starting together
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            try {
              await applyMigrations(dataSource);
            } catch (error) {
              await dataSource.destroy();
              throw error;
            }
            return dataSource;
          },
        }),
      );
      providers.push({ provide: UnitOfWork, useClass: ClsUnitOfWork }, ReplicaLocks);
      exported.push(UnitOfWork, ReplicaLocks);
    }
    // One async context per request (entered by configureApp's onRequest hook) holds the
    // request id and, with a database, the open transaction (TransactionHost, global).
    imports.push(
      requestContextModule({
        global: true,
        plugins: database
          ? [
              new ClsPluginTransactional({
                adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
              }),
            ]
          : [],
      }),
    );

    if (upstreamSettings) {
      providers.push({ provide: UPSTREAM_SETTINGS, useValue: upstreamSettings }, UpstreamClients);
      exported.push(UpstreamClients);
    }

    if (options.healthOfUpstreams?.length) {
      const names = options.healthOfUpstreams;
      providers.push({
        provide: EXTRA_HEALTH_CHECKS,
        inject: [HealthIndicatorService, UPSTREAM_SETTINGS],
        useFactory: (indicators: HealthIndicatorService, settings: UpstreamSettings) =>
          names.map(
            (name) => () =>
              pingUpstream(
                indicators,
                sharedHttpTransport,
                name,
                `${settings.baseUrls[name]}/health`,
              ),
          ),
      });
    }

    const controllers: Array<new (...args: never[]) => unknown> = [
      HealthController,
      MetricsController,
    ];
    // the user service judges tokens by its own rows; every other service caches and is told
    if (!options.tokenStateSource) {
      controllers.push(TokenStateNoticesController);
      providers.push(TokenStateBroadcast);
    }
    if (messagingSettings) {
      const broker = amqpSettings?.url ? amqpSettings : null;
      const transport: EventTransportKind = broker ? 'broker' : 'http';
      providers.push(
        { provide: MessagingSettings, useValue: messagingSettings },
        { provide: EVENT_TRANSPORT, useValue: transport },
      );
      if (database) {
        providers.push({ provide: MessageInbox, useClass: TypeormMessageInbox }, OutboxRelay, {
          provide: EventOutbox,
          useClass: TypeormEventOutbox,
        });
        exported.push(MessageInbox, OutboxRelay, EventOutbox);
      } else {
        // no database, no transaction to write an outbox in: events wait in memory
        providers.push(...memoryOutboxProviders(messagingSettings));
        exported.push(MemoryOutboxRelay, EventOutbox);
      }
      if (broker) {
        providers.push(
          { provide: AmqpSettings, useValue: broker },
          {
            provide: EventBroker,
            // every consumer's queue is declared by every service: an event published before
            // its consumer first started waits in that consumer's queue
            useFactory: () =>
              new AmqpEventBroker(broker, {
                prefix: broker.namePrefix,
                subscriptions: catalogueSubscriptions(),
              }),
          },
          BrokerLifecycle,
        );
        // the outbox table's waiting rows; the in-memory outbox listens for itself
        if (database) providers.push(BrokerBacklogWaker);
        exported.push(EventBroker);
        // the dead letters of this service's own queue: only a consumer has one
        if (eventsConsumedBy(options.service as EventParty).length > 0) {
          controllers.push(DeadLettersAdminController);
        }
      }
      if (options.eventHandlers) {
        providers.push(
          { provide: EVENT_HANDLERS_TYPE, useValue: options.eventHandlers },
          EventDispatcher,
        );
        exported.push(EventDispatcher);
        // HTTP push is served with a broker too: a producer still on HTTP keeps working
        controllers.push(eventsControllerFor(producersFor(options.service)));
        if (broker) providers.push(BrokerConsumer);
      }
      if (database) controllers.push(OutboxAdminController);
    }
    if (idempotencySettings) {
      providers.push(
        { provide: IdempotencySettings, useValue: idempotencySettings },
        { provide: IdempotencyStore, useClass: TypeormIdempotencyStore },
      );
      exported.push(IdempotencyStore);
    }

    return {
      module: PlatformModule,
      global: true,
      imports,
      controllers,
      providers,
      exports: exported as Provider[],
    };
  }
}

/** The services this one calls: those it names, plus the consumers of the events it produces. */
function upstreamNames(options: PlatformModuleOptions): string[] {
  const names = new Set(options.upstreams ?? []);
  if (options.messaging) {
    for (const type of EVENT_TYPES) {
      const definition = EVENT_CATALOGUE[type];
      if (definition.producer !== options.service) continue;
      for (const consumer of Object.keys(definition.consumers)) names.add(consumer);
    }
  }
  return [...names];
}

/** The producers of the events a service consumes: who may post to its events endpoint. */
function producersFor(service: string): ServiceName[] {
  const producers = eventsConsumedBy(service as EventParty).map(
    (type) => EVENT_CATALOGUE[type].producer,
  );
  return [...new Set(producers)] as ServiceName[];
}
