#!/usr/bin/env node
// The baseline of `npm run bench`: bare Fastify + pg serving the product service's two public
// reads from the same `products` table, with the SQL the service's TypeORM repository sends
// (typeorm-product.repository.ts: get by id; list + count run concurrently) and the same JSON
// (snake_case fields, price as a number, ISO timestamps, `{ items, total, limit, offset }`).
// Nothing else: no logging, metrics, helmet, CORS, rate limit, validation pipe or ORM. The pool
// has the service's settings (DB_POOL_MAX, default 10, and the same timeouts).
//
//   PORT=8090 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_product node bench/bare-server.mjs
import Fastify from 'fastify';
import pg from 'pg';

const port = Number(process.env.PORT || 8090);
const host = process.env.HOST || '127.0.0.1';
if (!process.env.DATABASE_URL) {
  console.error('bare-server: DATABASE_URL is required');
  process.exit(2);
}
const statementTimeout = Number(process.env.DB_STATEMENT_TIMEOUT_MS || 5000);
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_MAX || 10),
  connectionTimeoutMillis: Number(process.env.DB_CONNECTION_TIMEOUT_MS || 3000),
  idleTimeoutMillis: 30_000,
  statement_timeout: statementTimeout,
  idle_in_transaction_session_timeout: statementTimeout * 2,
  application_name: 'bench-bare-server',
});
pool.on('error', (err) => console.error(`bare-server: idle client error: ${err.message}`));

const COLUMNS =
  '"p"."id" AS "p_id", "p"."name" AS "p_name", "p"."description" AS "p_description", ' +
  '"p"."price" AS "p_price", "p"."stock_quantity" AS "p_stock_quantity", ' +
  '"p"."category" AS "p_category", "p"."created_at" AS "p_created_at", ' +
  '"p"."updated_at" AS "p_updated_at"';
const BY_ID = `SELECT ${COLUMNS} FROM "products" "p" WHERE "p"."id" = $1`;
// TypeORM inlines LIMIT/OFFSET (validated integers) and sends parameterless statements through
// pg's simple protocol; so do we.
const page = (limit, offset) =>
  `SELECT ${COLUMNS} FROM "products" "p" ORDER BY "p"."created_at" ASC, "p"."id" ASC LIMIT ${limit} OFFSET ${offset}`;
const COUNT = `SELECT COUNT(DISTINCT("p"."id")) AS "cnt" FROM "products" "p"`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toJson = (row) => ({
  id: row.p_id,
  name: row.p_name,
  description: row.p_description,
  price: Number(row.p_price),
  stock_quantity: row.p_stock_quantity,
  category: row.p_category,
  created_at: row.p_created_at.toISOString(),
  updated_at: row.p_updated_at.toISOString(),
});

function problem(reply, status, title, detail) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title, status, detail });
}

function intParam(value, fallback, min, max) {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) return NaN;
  const n = Number(value);
  return n >= min && n <= max ? n : NaN;
}

const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });

app.get('/health', async () => ({ status: 'ok' }));

app.get('/api/v1/products/:id', async (request, reply) => {
  const { id } = request.params;
  if (!UUID.test(id)) return problem(reply, 400, 'Bad Request', 'id must be a UUID');
  const { rows } = await pool.query(BY_ID, [id]);
  if (rows.length === 0) return problem(reply, 404, 'Not Found', `product ${id} not found`);
  return toJson(rows[0]);
});

app.get('/api/v1/products', async (request, reply) => {
  const limit = intParam(request.query.limit, 20, 1, 100);
  const offset = intParam(request.query.offset, 0, 0, Number.MAX_SAFE_INTEGER);
  if (Number.isNaN(limit) || Number.isNaN(offset)) {
    return problem(reply, 400, 'Bad Request', 'limit must be 1..100 and offset >= 0');
  }
  const [items, count] = await Promise.all([pool.query(page(limit, offset)), pool.query(COUNT)]);
  return { items: items.rows.map(toJson), total: Number(count.rows[0].cnt), limit, offset };
});

async function shutdown() {
  await app.close();
  await pool.end();
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

await app.listen({ port, host });
console.log(`bare-server: listening on http://${host}:${port}`);
