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
  /** the producing service (payment's name): publishes through its outbox */
  producer: NestFastifyApplication;
  /** the consuming service (order's name): one `fixture_effects` row per applied event */
  consumer: NestFastifyApplication;
  effects(): Promise<Array<{ event_id: string; type: string; subject: string }>>;
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
  producer?: { extra?: Record<string, string> };
  /** the consumer listens on a port and the producer's ORDER_SERVICE_URL names it (HTTP push) */
  pushOverHttp?: boolean;
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
    const [producerDb, consumerDb] = await Promise.all([
      createTestDatabase(`${options.name}_producer`),
      createTestDatabase(`${options.name}_consumer`),
    ]);
    databases.push(producerDb, consumerDb);
    const pg = new Client({ connectionString: consumerDb.url });
    await pg.connect();
    await pg.query(
      'CREATE TABLE fixture_effects (event_id uuid NOT NULL, type text NOT NULL, subject text NOT NULL)',
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
    const producer = await startTestService(
      EventsProducerFixtureModule.forRoot(
        testEnv({
          databaseUrl: producerDb.url,
          issuer,
          extra: {
            ...options.common,
            ...options.producer?.extra,
            ...(options.pushOverHttp ? { ORDER_SERVICE_URL: await baseUrlOf(consumer) } : {}),
          },
        }),
      ),
    );
    apps.push(producer);
    return {
      issuer,
      producer,
      consumer,
      effects: () =>
        consumer.get(DataSource).query('SELECT event_id, type, subject FROM fixture_effects'),
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
