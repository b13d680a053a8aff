// What a flow costs in work, counted: the requests each service received (its own /metrics,
// http_requests_total, by route), the transactions each database committed or rolled back
// (pg_stat_database) and, when pg_stat_statements is loaded, the statements it ran.

/** http_requests_total of one service by "METHOD route status" (the /metrics scrape excluded). */
export async function requestCounts(baseUrl) {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${baseUrl}/metrics answered ${res.status}`);
  const out = new Map();
  for (const line of (await res.text()).split('\n')) {
    if (!line.startsWith('http_requests_total{')) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const key = `${labels.method} ${labels.route} ${labels.status_code}`;
    out.set(key, (out.get(key) ?? 0) + value);
  }
  return out;
}

/** The difference of two counter maps (keys of `after`; absent in `before` counts from 0). */
export function delta(before, after) {
  const out = new Map();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d !== 0) out.set(k, d);
  }
  return out;
}

/** Transactions (xact_commit + xact_rollback) per database. */
export async function transactionCounts(admin, databases) {
  const { rows } = await admin.query(
    `SELECT datname, xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = ANY($1)`,
    [databases],
  );
  return new Map(rows.map((r) => [r.datname, Number(r.n)]));
}

/**
 * Whether pg_stat_statements can count statements here: available, loaded at server start
 * (shared_preload_libraries, which only a superuser's restart changes: the bench does not), and
 * its view present in one of the bench's own databases (created there, dropped with it).
 * @returns {Promise<{usable: boolean, why: string, dbUrl?: string}>}
 */
export async function statementCounter(admin, withClient, dbUrl) {
  const { rows } = await admin.query(
    `SELECT (SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available,
            current_setting('shared_preload_libraries') AS preload`,
  );
  if (Number(rows[0].available) === 0)
    return { usable: false, why: 'pg_stat_statements is not installed on this server' };
  if (!/\bpg_stat_statements\b/.test(rows[0].preload))
    return {
      usable: false,
      why: 'pg_stat_statements is installed but not in shared_preload_libraries (needs a server restart)',
    };
  try {
    await withClient(dbUrl, (c) => c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements'));
    return { usable: true, why: 'pg_stat_statements', dbUrl };
  } catch (err) {
    return { usable: false, why: `pg_stat_statements: ${err.message}` };
  }
}

/** Statements run (sum of calls) per database, from pg_stat_statements. */
export async function statementCounts(client, databases) {
  const { rows } = await client.query(
    `SELECT d.datname, sum(s.calls)::bigint AS n
       FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
      WHERE d.datname = ANY($1) GROUP BY d.datname`,
    [databases],
  );
  return new Map(rows.map((r) => [r.datname, Number(r.n)]));
}
