// A database connection terminated in the middle of a request (a failover, a pooler restart,
// pg_terminate_backend): the request is answered 503 with Retry-After, never 500; a unit of
// work that says it may run again does, on a fresh connection, unless the drop came during
// its COMMIT (whether that landed is unknown).
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Controller, DynamicModule, Get, Module } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { setTimeout as sleep } from 'node:timers/promises';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { UnitOfWork, UnitOfWorkInterrupted } from '@app/kernel';
import { TestDatabase, createTestDatabase, startTestService, testEnv } from '@app/testing';
import { FixtureModule } from './fixture.module';

const TERMINATE_SELF = `SELECT pg_terminate_backend(pg_backend_pid())`;

@Controller('fixture-db')
class ConnectionLossController {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @Get('dropped')
  @ApiOkResponse({ description: 'Never: the connection is terminated.', schema: {} })
  @ApiServiceUnavailableResponse({ description: 'The database connection was lost.' })
  async dropped(): Promise<unknown> {
    return this.txHost.withTransaction(() => this.txHost.tx.query(TERMINATE_SELF));
  }
}

@Module({})
class ConnectionLossModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    return {
      module: ConnectionLossModule,
      imports: [FixtureModule.forRoot(env)],
      controllers: [ConnectionLossController],
    };
  }
}

describe('a dropped database connection (real PostgreSQL, pg_terminate_backend)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let uow: UnitOfWork;
  let txHost: TransactionHost<TransactionalAdapterTypeOrm>;
  let observer: Client;

  const add = (text: string) => txHost.tx.query(`INSERT INTO notes (text) VALUES ($1)`, [text]);
  const committed = async (): Promise<string[]> =>
    (await observer.query<{ text: string }>(`SELECT text FROM notes ORDER BY text`)).rows.map(
      (row) => row.text,
    );

  beforeAll(async () => {
    db = await createTestDatabase('db_loss');
    app = await startTestService(
      ConnectionLossModule.forRoot(testEnv({ databaseUrl: db.url, extra: { LOG_LEVEL: 'error' } })),
    );
    uow = app.get(UnitOfWork);
    txHost = app.get(TransactionHost);
    await app.get(DataSource).query(`CREATE TABLE notes (text text PRIMARY KEY)`);
    observer = new Client({ connectionString: db.url });
    await observer.connect();
  });
  afterAll(async () => {
    await observer?.end();
    await app?.close();
    await db?.drop();
  });
  beforeEach(() => observer.query(`TRUNCATE notes`));

  it('is answered 503 upstream-unavailable with Retry-After, never 500; the next request works', async () => {
    const res = await request(app.getHttpServer()).get('/api/v1/fixture-db/dropped');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body.type).toMatch(/\/upstream-unavailable$/);
    expect(JSON.stringify(res.body)).not.toMatch(/terminat|administrator|57P01|Query/i);
    const health = await request(app.getHttpServer()).get('/health');
    expect(health.status).toBe(200);
  });

  it('a unit of work that may run again does, on a fresh connection, when its connection drops before the commit', async () => {
    let runs = 0;
    const result = await uow.run(
      async () => {
        runs += 1;
        await add(`run-${runs}`);
        if (runs === 1) await txHost.tx.query(TERMINATE_SELF);
        return runs;
      },
      { rerunOnConnectionLoss: true },
    );
    expect(result).toBe(2);
    expect(await committed()).toEqual(['run-2']); // the first run's write went with its session
  });

  it('without the option the drop is the caller’s: one run, nothing committed, UnitOfWorkInterrupted (503) before the commit', async () => {
    let runs = 0;
    const failure = await uow
      .run(async () => {
        runs += 1;
        await add('once');
        await txHost.tx.query(TERMINATE_SELF);
      })
      .catch((error: unknown) => error);
    expect(runs).toBe(1);
    expect(failure).toBeInstanceOf(UnitOfWorkInterrupted);
    expect(failure).toMatchObject({ kind: 'unavailable', maybeCommitted: false });
    expect(await committed()).toEqual([]);
  });

  it('gives up after two reruns', async () => {
    let runs = 0;
    const failure = await uow
      .run(
        async () => {
          runs += 1;
          await txHost.tx.query(TERMINATE_SELF);
        },
        { rerunOnConnectionLoss: true },
      )
      .catch((error: unknown) => error);
    expect(runs).toBe(3);
    expect(failure).toBeInstanceOf(UnitOfWorkInterrupted);
  });

  it('never reruns a work whose connection dropped during its COMMIT: whether it committed is unknown', async () => {
    // a deferred trigger makes the COMMIT itself take a while, long enough to terminate it then
    await observer.query(`
      CREATE OR REPLACE FUNCTION slow_commit() RETURNS trigger AS $$
      BEGIN PERFORM pg_sleep(1); RETURN NULL; END $$ LANGUAGE plpgsql;
      DROP TRIGGER IF EXISTS notes_slow_commit ON notes;
      CREATE CONSTRAINT TRIGGER notes_slow_commit AFTER INSERT ON notes
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit();`);
    try {
      let runs = 0;
      let pid = 0;
      let returned = false;
      const running = uow
        .run(
          async () => {
            runs += 1;
            [{ pid }] = (await txHost.tx.query(`SELECT pg_backend_pid() AS pid`)) as Array<{
              pid: number;
            }>;
            await add('at-commit');
            returned = true;
          },
          { rerunOnConnectionLoss: true },
        )
        .catch((error: unknown) => error);
      while (!returned) await sleep(10);
      await sleep(300); // inside the COMMIT's pg_sleep
      await observer.query(`SELECT pg_terminate_backend($1)`, [pid]);
      const failure = await running;
      expect(runs).toBe(1);
      expect(failure).toBeInstanceOf(UnitOfWorkInterrupted);
      expect(failure).toMatchObject({ maybeCommitted: true });
    } finally {
      await observer.query(`DROP TRIGGER IF EXISTS notes_slow_commit ON notes`);
    }
  });
});
