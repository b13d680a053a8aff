import fc from 'fast-check';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { TestDatabase, createTestDatabase } from '@app/testing';
import { dataSourceOptions } from '../src/database/database-options';
import { PreparingClient, StatementNames } from '../src/database/preparing-client';
import { writeInTransaction } from '../src/database/write-in-transaction';

const definition = { entities: [], migrations: [] };

function dataSourceFor(url: string, preparedStatements: boolean): DataSource {
  return new DataSource(
    dataSourceOptions(
      {
        service: 'prepared-test',
        database: {
          url,
          poolMax: 2,
          statementTimeoutMs: 5000,
          connectionTimeoutMs: 3000,
          preparedStatements,
        },
      },
      definition,
    ),
  );
}

/** The named statements of the connection `runner` holds, as PostgreSQL lists them. */
async function preparedOn(runner: ReturnType<DataSource['createQueryRunner']>) {
  const rows: Array<{ statement: string }> = await runner.query(
    'SELECT statement FROM pg_prepared_statements',
  );
  return rows.map((row) => row.statement);
}

type Runner = ReturnType<DataSource['createQueryRunner']>;

/** Round trips of the connection `runner` holds while `work` runs: the server's ReadyForQuery. */
async function roundTripsDuring(runner: Runner, work: () => Promise<void>): Promise<number> {
  const client = (await runner.connect()) as { connection: NodeJS.EventEmitter };
  let trips = 0;
  const count = () => (trips += 1);
  client.connection.on('readyForQuery', count);
  try {
    await work();
  } finally {
    client.connection.off('readyForQuery', count);
  }
  return trips;
}

type End = 'commit' | 'rollback' | 'throw';

/** Runs `work` in a transaction on `runner`, ends it as `end` says, releases it: true if it failed. */
async function transactionFailed(runner: Runner, end: End, work: () => Promise<void>) {
  try {
    await runner.startTransaction();
    await work();
    if (end === 'throw') throw new Error('the work failed');
    if (end === 'commit') await runner.commitTransaction();
    else await runner.rollbackTransaction();
    return false;
  } catch {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    return true;
  } finally {
    await runner.release();
  }
}

/** A fresh database with one table, and two pools on it: with named statements and without. */
function databaseWith(name: string, tableSql: string) {
  const dbs = {} as { db: TestDatabase; prepared: DataSource; plain: DataSource };
  beforeAll(async () => {
    dbs.db = await createTestDatabase(name);
    dbs.prepared = await dataSourceFor(dbs.db.url, true).initialize();
    dbs.plain = await dataSourceFor(dbs.db.url, false).initialize();
    await dbs.plain.query(tableSql);
  });
  afterAll(async () => {
    await dbs.prepared?.destroy();
    await dbs.plain?.destroy();
    await dbs.db?.drop();
  });
  return dbs;
}

const ROW_SQL = `SELECT id, label, amount::text AS amount, tags FROM items WHERE id = $1`;

describe('named prepared statements through the pool (real PostgreSQL)', () => {
  const dbs = databaseWith(
    'prepared',
    `CREATE TABLE items (id integer PRIMARY KEY, label text, amount numeric(12, 2), tags text[])`,
  );

  beforeEach(async () => {
    await dbs.plain.query('TRUNCATE items');
  });

  it('a statement run again is prepared on its connection; with the setting off, none is', async () => {
    for (const source of [dbs.prepared, dbs.plain]) {
      const runner = source.createQueryRunner();
      try {
        for (let i = 0; i < 3; i += 1) await runner.query(ROW_SQL, [i]);
        const statements = await preparedOn(runner);
        expect(statements.includes(ROW_SQL)).toBe(source === dbs.prepared);
      } finally {
        await runner.release();
      }
    }
  });

  it('answers what the unnamed statements answer, for generated rows and look-ups', async () => {
    const row = fc.record({
      id: fc.integer({ min: -1_000_000, max: 1_000_000 }),
      label: fc.option(fc.string({ unit: 'grapheme', maxLength: 40 }), { nil: null }),
      amount: fc.option(fc.integer({ min: -99_999_999, max: 99_999_999 }), { nil: null }),
      tags: fc.option(fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }), { nil: null }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(row, { selector: (r) => r.id, minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { maxLength: 5 }),
        async (rows, probes) => {
          await dbs.plain.query('TRUNCATE items');
          for (const r of rows) {
            await dbs.prepared.query(
              `INSERT INTO items (id, label, amount, tags) VALUES ($1, $2, $3 / 100.0, $4)`,
              [r.id, r.label, r.amount, r.tags],
            );
          }
          for (const id of [...rows.map((r) => r.id), ...probes]) {
            expect(await dbs.prepared.query(ROW_SQL, [id])).toEqual(
              await dbs.plain.query(ROW_SQL, [id]),
            );
          }
          const many = `SELECT id FROM items WHERE id = ANY($1::integer[]) ORDER BY id`;
          const ids = rows.map((r) => r.id);
          expect(await dbs.prepared.query(many, [ids])).toEqual(await dbs.plain.query(many, [ids]));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a failing prepared statement reports as before and leaves it usable, also after a rollback', async () => {
    const insert = `INSERT INTO items (id, label) VALUES ($1, $2)`;
    await dbs.prepared.query(insert, [1, 'a']);
    await dbs.prepared.query(insert, [2, 'b']);
    const runner = dbs.prepared.createQueryRunner();
    try {
      await runner.query(insert, [3, 'c']);
      await runner.query(insert, [4, 'd']);
      expect(await preparedOn(runner)).toContain(insert);
      await expect(runner.query(insert, [1, 'again'])).rejects.toMatchObject({
        driverError: expect.objectContaining({ code: '23505' }),
      });
      await runner.startTransaction();
      await runner.query(insert, [5, 'e']);
      await runner.rollbackTransaction();
      // PostgreSQL keeps a connection's dbs.prepared statements across rollbacks: still usable
      await runner.query(insert, [6, 'f']);
    } finally {
      await runner.release();
    }
    const rows: Array<{ id: number }> = await dbs.plain.query('SELECT id FROM items ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual([1, 2, 3, 4, 6]);
  });

  it('texts without parameters keep the simple protocol: several statements in one text', async () => {
    await dbs.prepared.query(
      `INSERT INTO items (id) VALUES (10); INSERT INTO items (id) VALUES (11)`,
    );
    await dbs.prepared.query(
      `INSERT INTO items (id) VALUES (12); INSERT INTO items (id) VALUES (13)`,
    );
    const [{ count }]: Array<{ count: string }> = await dbs.plain.query(
      'SELECT count(*) FROM items',
    );
    expect(count).toBe('4');
  });

  it('a plain pg Client of the same process is not changed', async () => {
    const client = new Client({ connectionString: dbs.db.url });
    await client.connect();
    try {
      for (let i = 0; i < 3; i += 1) await client.query(ROW_SQL, [i]);
      const { rows } = await client.query('SELECT statement FROM pg_prepared_statements');
      expect(rows).toEqual([]);
      expect(Object.getPrototypeOf(PreparingClient.prototype)).toBe(Client.prototype);
    } finally {
      await client.end();
    }
  });
});

describe('a transaction opened in the round trip of its first statement (real PostgreSQL)', () => {
  const dbs = databaseWith('begin', `CREATE TABLE notes (id integer PRIMARY KEY, body text)`);

  beforeEach(() => dbs.plain.query('TRUNCATE notes'));

  const INSERT = `INSERT INTO notes (id, body) VALUES ($1, $2)`;
  const COUNT = `SELECT count(*)::int AS n FROM notes WHERE id >= $1`;

  it('BEGIN travels with the first statement once that statement is parsed: one round trip less', async () => {
    const runner = dbs.prepared.createQueryRunner();
    try {
      await runner.query(INSERT, [1, 'parse it']);
      await runner.query(INSERT, [2, 'and name it']); // prepared from its second use
      const trips = await roundTripsDuring(runner, async () => {
        await runner.startTransaction();
        await runner.query(INSERT, [3, 'in a transaction']);
        await runner.commitTransaction();
      });
      // the statement with its BEGIN, then COMMIT (three without the deferral)
      expect(trips).toBe(2);
    } finally {
      await runner.release();
    }
    const rows: Array<{ id: number }> = await dbs.plain.query('SELECT id FROM notes ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('is still one transaction: a rollback undoes the statement that carried BEGIN', async () => {
    await dbs.prepared.query(INSERT, [10, 'warm']);
    await dbs.prepared.query(INSERT, [11, 'warm']);
    const runner = dbs.prepared.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query(INSERT, [12, 'undone']);
      const [{ n }] = await runner.query(COUNT, [12]);
      expect(n).toBe(1);
      await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }
    expect(await dbs.plain.query(COUNT, [12])).toEqual([{ n: 0 }]);
  });

  it('generated transactions (parsed or new statements, failures, commits, rollbacks) end as a model says', async () => {
    const step = fc.record({
      ids: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 4 }),
      fresh: fc.boolean(),
      end: fc.constantFrom<End>('commit', 'rollback', 'throw'),
    });
    let textNo = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        await dbs.plain.query('TRUNCATE notes');
        const model = new Set<number>();
        for (const { ids, fresh, end } of steps) {
          // a fresh text is not parsed anywhere yet: BEGIN goes on its own
          const sql = fresh ? `${INSERT} -- ${(textNo += 1)}` : INSERT;
          const runner = dbs.prepared.createQueryRunner();
          const written = new Set<number>();
          const failed = await transactionFailed(runner, end, async () => {
            for (const id of ids) {
              await runner.query(sql, [id, 'x']);
              written.add(id);
            }
          });
          const duplicate = ids.some((id, i) => model.has(id) || ids.indexOf(id) !== i);
          expect(failed).toBe(duplicate || end === 'throw');
          if (!failed && end === 'commit') for (const id of written) model.add(id);
          const rows: Array<{ id: number }> = await dbs.plain.query(
            'SELECT id FROM notes ORDER BY id',
          );
          expect(rows.map((r) => r.id)).toEqual([...model].sort((a, b) => a - b));
        }
        // the pool's connections are still fine: no transaction was left open on them
        expect(await dbs.prepared.query(COUNT, [0])).toEqual([{ n: model.size }]);
      }),
      { numRuns: 30 },
    );
  });

  it('an empty transaction sends nothing and leaves the connection outside any transaction', async () => {
    const runner = dbs.prepared.createQueryRunner();
    try {
      const trips = await roundTripsDuring(runner, async () => {
        await runner.startTransaction();
        await runner.commitTransaction();
      });
      expect(trips).toBe(0);
      const [{ state }] = await runner.query(`SELECT now() = statement_timestamp() AS state`);
      expect(state).toBe(true); // not inside an earlier transaction: its now() would be older
    } finally {
      await runner.release();
    }
  });
});

describe('writes queued in a transaction until its next statement (real PostgreSQL)', () => {
  const dbs = databaseWith(
    'queued',
    `CREATE TABLE notes (id integer PRIMARY KEY, body text, tags text[])`,
  );

  beforeEach(() => dbs.plain.query('TRUNCATE notes'));

  const INSERT = `INSERT INTO notes (id, body, tags) VALUES ($1, $2, $3)`;
  const COUNT = `SELECT count(*)::int AS n FROM notes WHERE id >= $1`;

  /** the unit of work's view of a transaction: writeInTransaction reads `tx` */
  const hostOf = (runner: Runner) => ({ tx: runner.manager }) as never;

  async function ids(): Promise<number[]> {
    const rows: Array<{ id: number }> = await dbs.plain.query('SELECT id FROM notes ORDER BY id');
    return rows.map((row) => row.id);
  }

  /** Parses INSERT and COUNT on every connection of the pool (two). */
  async function warm(): Promise<void> {
    const runners = [dbs.prepared.createQueryRunner(), dbs.prepared.createQueryRunner()];
    try {
      for (const [r, runner] of runners.entries()) {
        for (let i = 0; i < 2; i += 1) {
          await runner.query(INSERT, [-1 - i - 2 * r, 'warm', null]);
          await runner.query(COUNT, [0]);
        }
      }
    } finally {
      await Promise.all(runners.map((runner) => runner.release()));
    }
    await dbs.plain.query('TRUNCATE notes');
  }

  it('a queued write travels with the next statement, in order; with the COMMIT at the latest', async () => {
    await warm();
    const runner = dbs.prepared.createQueryRunner();
    try {
      const trips = await roundTripsDuring(runner, async () => {
        await runner.startTransaction();
        await writeInTransaction(hostOf(runner), INSERT, [1, 'one', ['a', 'b,c']]);
        await writeInTransaction(hostOf(runner), INSERT, [2, null, null]);
        // sent with BEGIN and both writes: it sees them
        expect(await runner.query(COUNT, [0])).toEqual([{ n: 2 }]);
        await writeInTransaction(hostOf(runner), INSERT, [3, 'three', []]);
        await runner.commitTransaction();
      });
      // BEGIN + two writes + the count, then the third write + COMMIT (six without queueing)
      expect(trips).toBe(2);
    } finally {
      await runner.release();
    }
    expect(await ids()).toEqual([1, 2, 3]);
    const rows = await dbs.plain.query('SELECT body, tags FROM notes ORDER BY id');
    expect(rows).toEqual([
      { body: 'one', tags: ['a', 'b,c'] },
      { body: null, tags: null },
      { body: 'three', tags: [] },
    ]);
  });

  it("a queued write's failure surfaces from the next statement and undoes the transaction", async () => {
    await warm();
    await dbs.plain.query(INSERT, [5, 'taken', null]);
    const runner = dbs.prepared.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query(INSERT, [4, 'first', null]);
      await writeInTransaction(hostOf(runner), INSERT, [5, 'duplicate', null]);
      await expect(runner.query(COUNT, [0])).rejects.toMatchObject({ code: '23505' });
      await runner.rollbackTransaction();
      // the connection is fine afterwards, outside any transaction
      expect(await runner.query(COUNT, [0])).toEqual([{ n: 1 }]);
    } finally {
      await runner.release();
    }
    expect(await ids()).toEqual([5]);
  });

  it('a rollback drops the queued writes; outside a transaction a write runs at once', async () => {
    await warm();
    const runner = dbs.prepared.createQueryRunner();
    try {
      await runner.startTransaction();
      await writeInTransaction(hostOf(runner), INSERT, [6, 'dropped', null]);
      await runner.rollbackTransaction();
      await writeInTransaction(hostOf(runner), INSERT, [7, 'at once', null]);
      expect(await ids()).toEqual([7]);
    } finally {
      await runner.release();
    }
  });

  it('generated transactions of queued and immediate writes, reads and ends match a model', async () => {
    await warm();
    const op = fc.oneof(
      fc.record({ kind: fc.constant<'queue'>('queue'), id: fc.integer({ min: 0, max: 12 }) }),
      fc.record({ kind: fc.constant<'now'>('now'), id: fc.integer({ min: 0, max: 12 }) }),
      fc.record({ kind: fc.constant<'fresh'>('fresh'), id: fc.integer({ min: 0, max: 12 }) }),
      fc.record({ kind: fc.constant<'count'>('count') }),
    );
    const transaction = fc.record({
      ops: fc.array(op, { maxLength: 6 }),
      end: fc.constantFrom<End>('commit', 'rollback', 'throw'),
    });
    let textNo = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(transaction, { minLength: 1, maxLength: 6 }), async (txs) => {
        await dbs.plain.query('TRUNCATE notes');
        const model = new Set<number>();
        for (const { ops, end } of txs) {
          const runner = dbs.prepared.createQueryRunner();
          const seen = new Set(model);
          // a duplicate fails its statement; a queued one, the next statement (or the COMMIT)
          let failsNow = false;
          let failsNext = false;
          const failed = await transactionFailed(runner, end, async () => {
            for (const step of ops) {
              // anything but another queued write sends the queued ones
              if (step.kind !== 'queue') failsNow ||= failsNext;
              if (step.kind === 'count') {
                const [{ n }] = await runner.query(COUNT, [0]);
                expect(failsNow).toBe(false);
                expect(n).toBe(seen.size);
                continue;
              }
              const duplicate = seen.has(step.id);
              seen.add(step.id);
              if (step.kind === 'now') {
                failsNow ||= duplicate;
                await runner.query(INSERT, [step.id, 'now', null]);
              } else if (step.kind === 'fresh') {
                // a fresh text is parsed nowhere: it runs at once
                failsNow ||= duplicate;
                const sql = `${INSERT} -- ${(textNo += 1)}`;
                await writeInTransaction(hostOf(runner), sql, [step.id, step.kind, null]);
              } else {
                failsNext ||= duplicate;
                await writeInTransaction(hostOf(runner), INSERT, [step.id, step.kind, null]);
              }
            }
          });
          // queued writes that a rollback drops never ran: their duplicates fail nothing
          expect(failed).toBe(failsNow || (failsNext && end === 'commit') || end === 'throw');
          if (!failed && end === 'commit') for (const id of seen) model.add(id);
          expect(await ids()).toEqual([...model].sort((a, b) => a - b));
        }
        // no connection of the pool was left inside a transaction or with writes queued
        for (let i = 0; i < 2; i += 1) {
          expect(await dbs.prepared.query(COUNT, [0])).toEqual([{ n: model.size }]);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('StatementNames', () => {
  it('names a text from its second use, one name per text, and counts at most maxTexts texts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 80 }),
        (prepareFromUse, maxTexts, uses) => {
          const names = new StatementNames(prepareFromUse, maxTexts);
          // the model: texts in the order first seen while there was room; their use counts
          const counted = new Map<string, number>();
          const given = new Map<string, string>();
          for (const k of uses) {
            const text = `SELECT ${k}`;
            const name = names.nameOf(text);
            if (!counted.has(text) && counted.size >= maxTexts) {
              expect(name).toBeUndefined();
              continue;
            }
            const seen = (counted.get(text) ?? 0) + 1;
            counted.set(text, seen);
            if (seen < prepareFromUse) {
              expect(name).toBeUndefined();
            } else {
              expect(name).toMatch(/^app_\d+$/);
              if (given.has(text)) expect(name).toBe(given.get(text));
              given.set(text, name!);
            }
          }
          // distinct texts, distinct names
          expect(new Set(given.values()).size).toBe(given.size);
          expect(names.prepared).toBe(given.size);
        },
      ),
    );
  });

  it('leaves very long texts unnamed', () => {
    const names = new StatementNames(1, 10);
    expect(names.nameOf(`SELECT ${'1 + '.repeat(3000)}1`)).toBeUndefined();
    expect(names.nameOf('SELECT 1')).toBe('app_1');
  });
});
