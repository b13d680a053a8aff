import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '@app/platform';
import { TestDatabase, createTestDatabase, testEnv } from '@app/testing';
import { deliveryDatabase } from '../src/infrastructure/database';

describe('delivery migrations (e2e)', () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase('delivery_migrations');
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('apply to an empty database with the outbox and inbox, and re-running them is a no-op', async () => {
    const env = testEnv({ databaseUrl: db.url });
    const options = { service: 'delivery', env, messaging: true, ...deliveryDatabase };
    expect(await runMigrations(options)).toEqual([
      'CreateOutboxAndInbox1700000000000',
      'InboxKeyedByConsumer1700000000001',
      'OutboxNotifiesItsRelay1700000000002',
      ...deliveryDatabase.migrations.map((m) => m.name),
    ]);
    expect(await runMigrations(options)).toEqual([]);
    client = new Client({ connectionString: db.url });
    await client.connect();
    const tables = await client.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'deliveries',
        'order_cancellations',
        'outbox_messages',
        'inbox_messages',
      ]),
    );
  });

  const insert = (patch: Record<string, unknown> = {}) => {
    const row: Record<string, unknown> = {
      id: randomUUID(),
      order_id: randomUUID(),
      user_id: randomUUID(),
      street: 'Calle Mayor 1',
      city: 'Madrid',
      postal_code: '28013',
      country: 'ES',
      carrier: 'NestPost',
      tracking_number: `NC${randomUUID()
        .replace(/[^0-9]/g, '')
        .padEnd(10, '7')
        .slice(0, 10)}`,
      status: 'pendiente',
      estimated_delivery: new Date(),
      created_at: new Date(),
      updated_at: new Date(),
      ...patch,
    };
    const columns = Object.keys(row);
    return client.query(
      `INSERT INTO deliveries (${columns.join(', ')})
       VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      Object.values(row),
    );
  };

  it('one delivery per order, one per tracking number', async () => {
    const orderId = randomUUID();
    await insert({ order_id: orderId, tracking_number: 'NC0000000001' });
    await expect(insert({ order_id: orderId })).rejects.toThrow(/deliveries_one_per_order/);
    await expect(insert({ tracking_number: 'NC0000000001' })).rejects.toThrow(
      /deliveries_tracking_number_unique/,
    );
  });

  it.each([
    ['status', { status: 'enviada' }],
    ['country', { country: 'es' }],
    ['tracking_number', { tracking_number: 'NC000000000I' }],
    ['street', { street: '' }],
    ['carrier', { carrier: '' }],
  ])('refuses an invalid %s whatever the code does', async (_field, patch) => {
    await expect(insert(patch)).rejects.toThrow(/check constraint/);
  });
});
