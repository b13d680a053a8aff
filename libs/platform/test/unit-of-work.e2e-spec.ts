import { Injectable, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { UnitOfWork } from '@app/kernel';
import { TestDatabase, createTestDatabase, testEnv } from '@app/testing';
import { currentRequestId, runWithRequestId } from '../src';
import { FixtureModule } from './fixture.module';

/** A repository written like the services' ones: it reads the EntityManager from txHost.tx. */
@Injectable()
class NotesRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async add(text: string): Promise<void> {
    await this.txHost.tx.query(`INSERT INTO notes (text) VALUES ($1)`, [text]);
  }

  /** what this repository's connection sees, its own uncommitted rows included */
  async visible(): Promise<string[]> {
    const rows: Array<{ text: string }> = await this.txHost.tx.query(
      `SELECT text FROM notes ORDER BY text`,
    );
    return rows.map((row) => row.text);
  }

  async backendPid(): Promise<number> {
    const [row]: Array<{ pid: number }> = await this.txHost.tx.query(
      `SELECT pg_backend_pid() AS pid`,
    );
    return row.pid;
  }
}

@Module({ providers: [NotesRepository] })
class NotesModule {}

class Boom extends Error {}

/** Resolves once `count` callers have arrived: holds concurrent transactions open together. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return () => {
    arrived += 1;
    if (arrived === count) release();
    return all;
  };
}

describe('UnitOfWork on @nestjs-cls/transactional (real PostgreSQL)', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let observer: Client;
  let uow: UnitOfWork;
  let notes: NotesRepository;

  /** committed rows, as another connection sees them */
  const committed = async (): Promise<string[]> =>
    (await observer.query<{ text: string }>(`SELECT text FROM notes ORDER BY text`)).rows.map(
      (row) => row.text,
    );

  beforeAll(async () => {
    db = await createTestDatabase('uow');
    moduleRef = await Test.createTestingModule({
      imports: [FixtureModule.forRoot(testEnv({ databaseUrl: db.url })), NotesModule],
    }).compile();
    await moduleRef.init();
    await moduleRef.get(DataSource).query(`CREATE TABLE notes (text text PRIMARY KEY)`);
    uow = moduleRef.get(UnitOfWork);
    notes = moduleRef.get(NotesRepository);
    observer = new Client({ connectionString: db.url });
    await observer.connect();
  });

  afterAll(async () => {
    await observer?.end();
    await moduleRef?.close();
    await db?.drop();
  });

  beforeEach(() => observer.query(`TRUNCATE notes`));

  it('commits all writes of run() together, and returns what the work returned', async () => {
    const result = await uow.run(async () => {
      await notes.add('a');
      await notes.add('b');
      expect(await committed()).toEqual([]); // not before the work ends
      return 'done';
    });
    expect(result).toBe('done');
    expect(await committed()).toEqual(['a', 'b']);
  });

  it('rolls every write back when the work throws, and rethrows that error', async () => {
    const failure = new Boom('no');
    await expect(
      uow.run(async () => {
        await notes.add('a');
        await notes.add('b');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await committed()).toEqual([]);
  });

  it('joins an outer run: one connection, one commit, one rollback', async () => {
    await expect(
      uow.run(async () => {
        await notes.add('outer');
        const outerPid = await notes.backendPid();
        await uow.run(async () => {
          await notes.add('inner');
          expect(await notes.backendPid()).toBe(outerPid);
        });
        // the inner run's end committed nothing
        expect(await committed()).toEqual([]);
        expect(await notes.visible()).toEqual(['inner', 'outer']);
        throw new Boom('after the inner run');
      }),
    ).rejects.toBeInstanceOf(Boom);
    expect(await committed()).toEqual([]);

    await uow.run(async () => {
      await notes.add('outer');
      await uow.run(() => notes.add('inner'));
    });
    expect(await committed()).toEqual(['inner', 'outer']);
  });

  it('keeps concurrent runs apart: each sees only its own writes, one rolling back spares the other', async () => {
    const bothWrote = barrier(2);
    // neither commits before both have read: under READ COMMITTED, b would see a's row
    const bothRead = barrier(2);
    const seen: Record<string, string[]> = {};
    const [a, b] = await Promise.allSettled([
      uow.run(async () => {
        await notes.add('a');
        await bothWrote();
        seen.a = await notes.visible();
        await bothRead();
      }),
      uow.run(async () => {
        await notes.add('b');
        await bothWrote();
        seen.b = await notes.visible();
        await bothRead();
        throw new Boom('b fails');
      }),
    ]);
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect(seen).toEqual({ a: ['a'], b: ['b'] });
    expect(await committed()).toEqual(['a']);
  });

  it('autocommits repository writes made outside run(), which a later rollback leaves alone', async () => {
    await notes.add('alone');
    expect(await committed()).toEqual(['alone']);
    await expect(
      uow.run(async () => {
        await notes.add('in-tx');
        throw new Boom('no');
      }),
    ).rejects.toBeInstanceOf(Boom);
    expect(await committed()).toEqual(['alone']);
  });

  it('shares one context with the request id: each survives the other', async () => {
    const inTx = await runWithRequestId('req-1', () =>
      uow.run(async () => currentRequestId() ?? 'none'),
    );
    expect(inTx).toBe('req-1');

    // background work started inside a transaction keeps using it
    await uow.run(async () => {
      const pid = await notes.backendPid();
      const pidInJob = await runWithRequestId('job-1', async () => {
        expect(currentRequestId()).toBe('job-1');
        return notes.backendPid();
      });
      expect(pidInJob).toBe(pid);
    });
    expect(currentRequestId()).toBeUndefined();
  });
});
