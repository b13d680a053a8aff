import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '@app/platform';
import { TestDatabase, createTestDatabase, testEnv } from '@app/testing';
import { cartDatabase } from '../src/infrastructure/database';

describe('cart migrations (e2e)', () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase('cart_migrations');
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('apply to an empty database, and re-running them is a no-op', async () => {
    const env = testEnv({ databaseUrl: db.url });
    const first = await runMigrations({ service: 'cart', env, ...cartDatabase });
    expect(first).toEqual(cartDatabase.migrations.map((m) => m.name));
    expect(await runMigrations({ service: 'cart', env, ...cartDatabase })).toEqual([]);
    client = new Client({ connectionString: db.url });
    await client.connect();
  });

  it('allows one active cart per user, and any number of checked-out ones', async () => {
    const user = randomUUID();
    const insert = (status: string, orderId: string | null) =>
      client.query(`INSERT INTO carts (id, user_id, status, order_id) VALUES ($1, $2, $3, $4)`, [
        randomUUID(),
        user,
        status,
        orderId,
      ]);
    await insert('checked_out', randomUUID());
    await insert('checked_out', randomUUID());
    await insert('active', null);
    await expect(insert('active', null)).rejects.toThrow(/carts_one_active_per_user/);
  });

  it('refuses inconsistent rows whatever the code does', async () => {
    const cart = randomUUID();
    await expect(
      client.query(`INSERT INTO carts (id, user_id, status) VALUES ($1, $2, 'checked_out')`, [
        cart,
        randomUUID(),
      ]),
    ).rejects.toThrow(/carts_checked_out_has_order/);
    await client.query(`INSERT INTO carts (id, user_id, status) VALUES ($1, $2, 'active')`, [
      cart,
      randomUUID(),
    ]);
    const line = (quantity: number, price: string) =>
      client.query(
        `INSERT INTO cart_items (cart_id, product_id, name, unit_price, quantity)
         VALUES ($1, $2, 'x', $3, $4)`,
        [cart, randomUUID(), price, quantity],
      );
    await expect(line(0, '1.00')).rejects.toThrow(/check constraint/);
    await expect(line(1001, '1.00')).rejects.toThrow(/check constraint/);
    await expect(line(1, '-0.01')).rejects.toThrow(/check constraint/);
    await line(1000, '0.00');
  });
});
