#!/usr/bin/env node
// The baseline of `npm run bench`: bare Fastify + pg serving the product service's two public
// reads from the same `products` table, with the SQL the service's repository sends
// (product-read.sql.ts: get by id; a page of limit + 1 rows and the total run concurrently; by
// cursor no total) and the same JSON (snake_case fields, price as a number, ISO timestamps,
// `{ items, total, total_is_estimate, limit, offset, next_cursor }`, by cursor
// `{ items, limit, next_cursor }`). Only the unfiltered list: the bench sends no filters.
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

// services/product/src/infrastructure/repositories/product-read.sql.ts, unfiltered
const COLUMNS =
  'id, name, description, price, stock_quantity AS "stockQuantity", category, ' +
  'created_at AS "createdAt", updated_at AS "updatedAt"';
const BY_ID = `SELECT ${COLUMNS} FROM products WHERE id = $1`;
const POSITION = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "positionAt"`;
const PAGE = `SELECT ${COLUMNS}, ${POSITION} FROM products ORDER BY created_at, id LIMIT $1 OFFSET $2`;
const PAGE_AFTER =
  `SELECT ${COLUMNS}, ${POSITION} FROM products WHERE (created_at, id) > ($1::timestamptz, $2::uuid) ` +
  `ORDER BY created_at, id LIMIT $3`;
const EXACT_TOTAL_BELOW = 10_000;
const ESTIMATE_TTL_MS = 5_000;
const PRODUCTS_ESTIMATE = `
  SELECT CASE WHEN c.reltuples < 0 OR c.relpages = 0 THEN -1
              ELSE round(c.reltuples / c.relpages
                         * (pg_relation_size(c.oid) / current_setting('block_size')::int))
         END AS n
    FROM pg_class c WHERE c.oid = 'products'::regclass`;
const PRODUCTS_COUNT = 'SELECT count(*) AS total FROM products';

let estimate = { n: -1, readAt: -Infinity };
/** Exact below EXACT_TOTAL_BELOW products, else the estimate (read at most every 5 s). */
async function unfilteredTotal() {
  const now = Date.now();
  if (now - estimate.readAt > ESTIMATE_TTL_MS) {
    const { rows } = await pool.query(PRODUCTS_ESTIMATE);
    estimate = { n: Number(rows[0]?.n ?? -1), readAt: now };
  }
  if (estimate.n >= EXACT_TOTAL_BELOW) return { total: estimate.n, estimate: true };
  const { rows } = await pool.query(PRODUCTS_COUNT, []);
  return { total: Number(rows[0].total), estimate: false };
}

// libs/contracts/src/product/product-cursor.ts: base64url of "<created_at µs>|<id>"
const encodeCursor = (row) => Buffer.from(`${row.positionAt}|${row.id}`).toString('base64url');
function decodeCursor(text) {
  const [at, id, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  return rest.length === 0 && /^\d{4}-\d{2}-\d{2}T[\d:.]{15}Z$/.test(at) && UUID.test(id ?? '')
    ? [at, id]
    : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toJson = (row) => ({
  id: row.id,
  name: row.name,
  description: row.description,
  price: Number(row.price),
  stock_quantity: row.stockQuantity,
  category: row.category,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

/** Drops the look-ahead row; the cursor names the last row shown when more follow. */
function page(rows, limit) {
  const items = rows.slice(0, limit);
  return {
    items: items.map(toJson),
    next_cursor: rows.length > limit ? encodeCursor(items[items.length - 1]) : null,
  };
}

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
  const offset = intParam(request.query.offset, 0, 0, 100_000);
  if (Number.isNaN(limit) || Number.isNaN(offset)) {
    return problem(reply, 400, 'Bad Request', 'limit must be 1..100 and offset 0..100000');
  }
  if (request.query.cursor !== undefined) {
    const after = decodeCursor(String(request.query.cursor));
    if (!after) return problem(reply, 400, 'Bad Request', 'cursor is not one of ours');
    const { rows } = await pool.query(PAGE_AFTER, [...after, limit + 1]);
    const { items, next_cursor } = page(rows, limit);
    return { items, limit, next_cursor };
  }
  const [result, count] = await Promise.all([
    pool.query(PAGE, [limit + 1, offset]),
    unfilteredTotal(),
  ]);
  const { items, next_cursor } = page(result.rows, limit);
  return {
    items,
    total: count.total,
    total_is_estimate: count.estimate,
    limit,
    offset,
    next_cursor,
  };
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
