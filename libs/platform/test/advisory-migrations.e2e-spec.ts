import { Client } from 'pg';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { runMigrations } from '../src';
import { TestDatabase, createTestDatabase, testEnv } from '@app/testing';

const STEP_SECONDS = 0.3;

/**
 * Fixture migrations, each slow enough (one pg_sleep) that replicas starting together overlap
 * while one of them migrates: without a lock, two would both see a migration pending.
 */
function migration(index: number): new () => MigrationInterface {
  const name = `FixtureStep${index}${1_800_000_000_000 + index}`;
  const cls = class implements MigrationInterface {
    name = name;
    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`SELECT pg_sleep(${STEP_SECONDS})`);
      await queryRunner.query(`CREATE TABLE fixture_step_${index} (id int PRIMARY KEY)`);
    }
    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE fixture_step_${index}`);
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
}

const MIGRATIONS = [1, 2, 3, 4].map(migration);
const NAMES = MIGRATIONS.map((m) => m.name);

class Failing1900000000000 implements MigrationInterface {
  name = 'Failing1900000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`SELECT 1/0`);
  }
  async down(): Promise<void> {}
}

async function recorded(db: TestDatabase): Promise<string[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const rows = await client.query<{ name: string }>(`SELECT name FROM migrations ORDER BY id`);
    return rows.rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

/**
 * runMigrations (migrate.js, and every service's start through the same applyMigrations) takes
 * a PostgreSQL advisory lock: replicas starting at once on one database apply each migration
 * once, the others wait and find nothing pending.
 */
describe('migrations under an advisory lock (real PostgreSQL)', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });
  const freshDb = async () => {
    const db = await createTestDatabase('platform_lock_migrations');
    dbs.push(db);
    return db;
  };
  const run = (db: TestDatabase, migrations = MIGRATIONS, extra: Record<string, string> = {}) =>
    runMigrations({
      service: 'fixture',
      env: testEnv({ databaseUrl: db.url, extra }),
      entities: [],
      migrations,
    });

  it.each([2, 5])(
    '%i concurrent runs on a fresh database: all succeed, each applied once',
    async (n) => {
      const db = await freshDb();
      const applied = await Promise.all(Array.from({ length: n }, () => run(db)));
      // one run applied all of them; the others found nothing pending
      expect(applied.flat().sort()).toEqual([...NAMES].sort());
      expect(applied.filter((names) => names.length > 0)).toHaveLength(1);
      expect(await recorded(db)).toEqual(NAMES);
    },
  );

  it('a replica waits for migrations longer in all than DB_STATEMENT_TIMEOUT_MS', async () => {
    const db = await freshDb();
    // every statement is well under the timeout; the four together (1.2 s) are not
    const extra = { DB_STATEMENT_TIMEOUT_MS: '800' };
    const applied = await Promise.all([run(db, MIGRATIONS, extra), run(db, MIGRATIONS, extra)]);
    expect(applied.flat().sort()).toEqual([...NAMES].sort());
    expect(await recorded(db)).toEqual(NAMES);
  });

  it('a failed run releases the lock: the next run is not held', async () => {
    const db = await freshDb();
    await expect(run(db, [...MIGRATIONS.slice(0, 1), Failing1900000000000])).rejects.toThrow(
      /division by zero/,
    );
    const started = Date.now();
    expect(await run(db)).toEqual(NAMES.slice(1));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await recorded(db)).toEqual(NAMES);
  });

  it('the smallest pool allowed is enough: the lock holds one connection, the work another', async () => {
    const db = await freshDb();
    // one connection would wait on itself until DB_CONNECTION_TIMEOUT_MS: refused as config
    await expect(run(db, MIGRATIONS, { DB_POOL_MAX: '1' })).rejects.toThrow(/DB_POOL_MAX/);
    const applied = await Promise.all([
      run(db, MIGRATIONS, { DB_POOL_MAX: '2' }),
      run(db, MIGRATIONS, { DB_POOL_MAX: '2' }),
    ]);
    expect(applied.flat().sort()).toEqual([...NAMES].sort());
    expect(await recorded(db)).toEqual(NAMES);
  });

  it('without the lock, concurrent runs can collide (what the lock prevents)', async () => {
    const db = await freshDb();
    const bare = async () => {
      const dataSource = await new DataSource({
        type: 'postgres',
        url: db.url,
        migrations: MIGRATIONS,
        migrationsTableName: 'migrations',
      }).initialize();
      try {
        return await dataSource.runMigrations({ transaction: 'each' });
      } finally {
        await dataSource.destroy();
      }
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, bare));
    const failed = outcomes.filter((o) => o.status === 'rejected').length;
    const names = await recorded(db).catch(() => [] as string[]);
    const duplicated = names.length !== new Set(names).size;
    expect(failed > 0 || duplicated).toBe(true);
  });
});
