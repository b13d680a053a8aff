import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EventEnvelope } from '@app/contracts';
import {
  TestDatabase,
  TestTokenIssuer,
  baseUrlOf,
  createTestDatabase,
  startTestService,
  testEnv,
} from '@app/testing';
import { EventsConsumerFixtureModule, EventsProducerFixtureModule } from './events-fixture.module';

export interface EventsFixturePair {
  issuer: TestTokenIssuer;
  /** the producing service (payment's name by default): publishes through its outbox */
  producer: NestFastifyApplication;
  /** where the producer reaches the consumer (HTTP push), after `consumerUrl` */
  consumerUrl?: string;
  /** the consuming service (order's name): one `fixture_effects` row per applied event */
  consumer: NestFastifyApplication;
  effects(): Promise<Array<{ event_id: string; type: string; subject: string }>>;
  /** the same, with the handler's detail, in the order the consumer applied them */
  appliedInOrder(): Promise<
    Array<{ event_id: string; type: string; subject: string; detail: string | null }>
  >;
  outbox(): Promise<
    Array<{ id: string; status: string; attempts: number; payload: EventEnvelope }>
  >;
  close(): Promise<void>;
}

export interface EventsFixturePairOptions {
  /** names the two databases */
  name: string;
  /** environment of both services (on top of testEnv's) */
  common: Record<string, string>;
  consumer?: { extra?: Record<string, string>; serviceKeys?: Record<string, string> };
  producer?: {
    extra?: Record<string, string>;
    /** the producer's module: the payment fixture on its own database by default */
    module?: (env: Record<string, string | undefined>) => DynamicModule;
    /** false: the producer has no database (the in-memory outbox) */
    database?: boolean;
  };
  /** the consumer listens on a port and the producer's ORDER_SERVICE_URL names it (HTTP push) */
  pushOverHttp?: boolean;
  /** what the producer is given for the consumer's URL (e.g. a TcpProxy in front of it) */
  consumerUrl?: (url: string) => Promise<string>;
}

/**
 * A producer and a consumer of the events fixture, each a real service on its own database,
 * the consumer with the table its handlers write: the two ends the transports are tested between.
 */
export async function startEventsFixturePair(
  options: EventsFixturePairOptions,
): Promise<EventsFixturePair> {
  const issuer = await TestTokenIssuer.start();
  const databases: TestDatabase[] = [];
  const apps: NestFastifyApplication[] = [];
  const close = async () => {
    for (const app of apps.reverse()) await app.close();
    await Promise.all(databases.map((db) => db.drop()));
    await issuer.stop();
  };
  try {
    const withProducerDb = options.producer?.database ?? true;
    const [consumerDb, producerDb] = await Promise.all([
      createTestDatabase(`${options.name}_consumer`),
      withProducerDb ? createTestDatabase(`${options.name}_producer`) : undefined,
    ]);
    databases.push(consumerDb, ...(producerDb ? [producerDb] : []));
    const pg = new Client({ connectionString: consumerDb.url });
    await pg.connect();
    await pg.query(
      `CREATE TABLE fixture_effects (seq bigserial PRIMARY KEY, event_id uuid NOT NULL,
         type text NOT NULL, subject text NOT NULL, detail text)`,
    );
    await pg.end();
    const consumer = await startTestService(
      EventsConsumerFixtureModule.forRoot(
        testEnv({
          databaseUrl: consumerDb.url,
          issuer,
          serviceKeys: options.consumer?.serviceKeys,
          extra: { ...options.common, ...options.consumer?.extra },
        }),
      ),
      { listen: options.pushOverHttp ?? false },
    );
    apps.push(consumer);
    const directUrl = options.pushOverHttp ? await baseUrlOf(consumer) : undefined;
    const consumerUrl =
      directUrl && options.consumerUrl ? await options.consumerUrl(directUrl) : directUrl;
    const producerModule = options.producer?.module ?? EventsProducerFixtureModule.forRoot;
    const producer = await startTestService(
      producerModule(
        testEnv({
          databaseUrl: producerDb?.url,
          issuer,
          extra: {
            ...options.common,
            ...options.producer?.extra,
            ...(consumerUrl ? { ORDER_SERVICE_URL: consumerUrl } : {}),
          },
        }),
      ),
    );
    apps.push(producer);
    return {
      issuer,
      producer,
      consumer,
      consumerUrl,
      effects: () =>
        consumer.get(DataSource).query('SELECT event_id, type, subject FROM fixture_effects'),
      appliedInOrder: () =>
        consumer
          .get(DataSource)
          .query('SELECT event_id, type, subject, detail FROM fixture_effects ORDER BY seq'),
      outbox: () =>
        producer
          .get(DataSource)
          .query('SELECT id, status, attempts, payload FROM outbox_messages ORDER BY sequence'),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
