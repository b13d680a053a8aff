import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import request from 'supertest';
import {
  TestDatabase,
  TestTokenIssuer,
  createTestDatabase,
  startTestService,
  testEnv,
} from '@app/testing';
import { SeedCatalogUseCase } from '../src/application/use-cases/seed-catalog.use-case';
import { productDatabase } from '../src/infrastructure/database';
import { DEMO_CATALOG } from '../src/infrastructure/seed/demo-catalog';
import { ProductModule } from '../src/product.module';

const REPLICAS = 4;

/**
 * Four replicas of the product service started at once on one fresh database (each applies
 * the pending migrations at start, under the advisory lock), then all four seeding the demo
 * catalog at once (under the seed's transaction lock): the catalog is seeded exactly once.
 */
describe('product replicas on one database: concurrent start and seed (real PostgreSQL)', () => {
  let db: TestDatabase;
  let issuer: TestTokenIssuer;
  let apps: NestFastifyApplication[] = [];

  const query = async <T extends object>(sql: string): Promise<T[]> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase('product_concurrent');
    issuer = await TestTokenIssuer.start();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await issuer?.stop();
    await db?.drop();
  });

  it('all replicas start together; each migration is recorded once', async () => {
    const env = testEnv({
      databaseUrl: db.url,
      issuer,
      extra: { RATE_LIMIT_PER_MINUTE: '100000' },
    });
    const started = await Promise.allSettled(
      Array.from({ length: REPLICAS }, () => startTestService(ProductModule.forRoot(env))),
    );
    apps = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    expect(started.filter((s) => s.status === 'rejected')).toEqual([]);

    const rows = await query<{ name: string }>(`SELECT name FROM migrations ORDER BY id`);
    const names = rows.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    const expected = productDatabase.migrations.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(expected));
  });

  it("the lock's connection went back to the pool with the statement timeout it had", async () => {
    for (const app of apps) {
      const dataSource = app.get(DataSource);
      // every connection of the pool at once, the one that waited for the lock among them
      const runners = Array.from({ length: 10 }, () => dataSource.createQueryRunner());
      try {
        const seen = await Promise.all(
          runners.map(async (runner) => {
            const [row] = (await runner.query('SHOW statement_timeout')) as Array<{
              statement_timeout: string;
            }>;
            return row.statement_timeout;
          }),
        );
        expect(new Set(seen)).toEqual(new Set(['5s']));
      } finally {
        await Promise.all(runners.map((runner) => runner.release()));
      }
    }
  });

  it('seeding from every replica at once fills the catalog exactly once', async () => {
    expect(apps).toHaveLength(REPLICAS);
    const added = await Promise.all(
      apps.map((app) => app.get(SeedCatalogUseCase).execute(DEMO_CATALOG)),
    );
    expect([...added].sort((x, y) => y - x)).toEqual([
      DEMO_CATALOG.length,
      ...Array(REPLICAS - 1).fill(0),
    ]);
    const [{ count }] = await query<{ count: string }>(`SELECT count(*) AS count FROM products`);
    expect(Number(count)).toBe(DEMO_CATALOG.length);

    // every replica lists the same catalog, in the catalog's order
    for (const app of apps) {
      const res = await request(app.getHttpServer())
        .get('/api/v1/products')
        .query({ limit: 100 })
        .expect(200);
      expect(res.body.total).toBe(DEMO_CATALOG.length);
      expect(res.body.items.map((p: { name: string }) => p.name)).toEqual(
        DEMO_CATALOG.map((p) => p.name),
      );
    }
  });

  it('seeding again, from any number of replicas at once, adds nothing', async () => {
    for (let round = 0; round < 3; round += 1) {
      const added = await Promise.all(
        apps.map((app) => app.get(SeedCatalogUseCase).execute(DEMO_CATALOG)),
      );
      expect(added).toEqual(Array(REPLICAS).fill(0));
    }
    const [{ count }] = await query<{ count: string }>(`SELECT count(*) AS count FROM products`);
    expect(Number(count)).toBe(DEMO_CATALOG.length);
  });
});
