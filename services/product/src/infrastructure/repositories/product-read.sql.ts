import { ProductListCriteria } from '../../domain/repositories/product.repository';

/**
 * The two hot reads as fixed SQL (no query builder, no entity metadata per request). Column
 * aliases are the ORM entity's property names, so ProductMapper maps the rows as it maps
 * entities. bench/bare-server.mjs sends the same statements: keep them in step.
 */
const COLUMNS =
  'id, name, description, price, stock_quantity AS "stockQuantity", category, ' +
  'created_at AS "createdAt", updated_at AS "updatedAt"';

export const PRODUCT_BY_ID = `SELECT ${COLUMNS} FROM products WHERE id = $1`;
export const PRODUCT_BY_ID_FOR_UPDATE = `${PRODUCT_BY_ID} FOR UPDATE`;

/** created_at with its microseconds (a JS Date drops them), for the next page's cursor. */
const POSITION = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "positionAt"`;

/** Below this many products an unfiltered list counts them; above, it takes the estimate. */
export const EXACT_TOTAL_BELOW = 10_000;

/** How long the catalog's size estimate is reused before it is read again. */
export const ESTIMATE_TTL_MS = 5_000;

/**
 * The planner's own row estimate for `products`: reltuples per page (from the last VACUUM or
 * ANALYZE) times the pages the table has now, so it follows growth between two ANALYZEs; -1
 * for a table never analyzed (then lists count exactly).
 */
export const PRODUCTS_ESTIMATE = `
  SELECT CASE WHEN c.reltuples < 0 OR c.relpages = 0 THEN -1
              ELSE round(c.reltuples / c.relpages
                         * (pg_relation_size(c.oid) / current_setting('block_size')::int))
         END AS n
    FROM pg_class c WHERE c.oid = 'products'::regclass`;

export const PRODUCTS_COUNT = 'SELECT count(*) AS total FROM products';

export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/** `LIKE` treats % and _ as wildcards; a search for "50%" means the characters. */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The WHERE clause of the four optional filters; values only ever travel as parameters. */
function filters(criteria: ProductListCriteria, params: unknown[]): string[] {
  const param = (value: unknown) => `$${params.push(value)}`;
  const where: string[] = [];
  if (criteria.category !== undefined) where.push(`category = ${param(criteria.category)}`);
  if (criteria.nameContains !== undefined) {
    where.push(`lower(name) LIKE ${param(likePattern(criteria.nameContains))} ESCAPE '\\'`);
  }
  if (criteria.minPrice !== undefined) {
    where.push(`price >= ${param(criteria.minPrice.toDecimalString())}`);
  }
  if (criteria.maxPrice !== undefined) {
    where.push(`price <= ${param(criteria.maxPrice.toDecimalString())}`);
  }
  return where;
}

const whereClause = (where: string[]) => (where.length ? ` WHERE ${where.join(' AND ')}` : '');

export function isFiltered(criteria: ProductListCriteria): boolean {
  return filters(criteria, []).length > 0;
}

/**
 * One more row than the page, to tell whether another page follows. By cursor: the rows after
 * (created_at, id), a range scan of the (created_at, id) index whatever the depth.
 */
export function pageQuery(criteria: ProductListCriteria): SqlStatement {
  const params: unknown[] = [];
  const where = filters(criteria, params);
  if (criteria.after) {
    const at = `$${params.push(criteria.after.createdAt)}::timestamptz`;
    const id = `$${params.push(criteria.after.id)}::uuid`;
    where.push(`(created_at, id) > (${at}, ${id})`);
  }
  const limit = `$${params.push(criteria.limit + 1)}`;
  const offset = criteria.after ? '' : ` OFFSET $${params.push(criteria.offset)}`;
  return {
    sql: `SELECT ${COLUMNS}, ${POSITION} FROM products${whereClause(where)} ORDER BY created_at, id LIMIT ${limit}${offset}`,
    params,
  };
}

/** Exact count of the matches of a filtered list. */
export function filteredCountQuery(criteria: ProductListCriteria): SqlStatement {
  const params: unknown[] = [];
  const where = filters(criteria, params);
  return { sql: `SELECT count(*) AS total FROM products${whereClause(where)}`, params };
}
