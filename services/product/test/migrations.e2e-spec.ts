import { Client } from 'pg';
import { runMigrations } from '@app/platform';
import { TestDatabase, createTestDatabase, testEnv } from '@app/testing';
import { productDatabase } from '../src/infrastructure/database';

describe('product migrations (e2e)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('product_migrations');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('apply to an empty database, and re-running them is a no-op', async () => {
    const env = testEnv({ databaseUrl: db.url });
    const options = { service: 'product', env, ...productDatabase, messaging: true };
    const first = await runMigrations(options);
    expect(first).toEqual(expect.arrayContaining(productDatabase.migrations.map((m) => m.name)));
    const second = await runMigrations(options);
    expect(second).toEqual([]);

    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining([
          'products',
          'stock_reservations',
          'stock_reservation_items',
          'outbox_messages',
          'inbox_messages',
        ]),
      );
      // The database itself refuses negative stock, whatever the code does.
      await expect(
        client.query(
          `INSERT INTO products (id, name, price, stock_quantity, category)
           VALUES (gen_random_uuid(), 'x', 1, -1, 'c')`,
        ),
      ).rejects.toThrow(/check constraint/);
    } finally {
      await client.end();
    }
  });
});
