// Which databases `npm start` has already seeded, so that later starts skip the seed step (a
// Nest application context per service, seconds of CPU, to find the data already there).
// A database is known by its server and its OID: dropped and created again (a fresh database
// under the same name), it has another OID and is seeded again. `npm run seed` always runs.
// Kept in .data/seeded.json (git-ignored, beside the embedded PostgreSQL's data).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ROOT } from './services.mjs';

const FILE = path.join(ROOT, '.data', 'seeded.json');

/**
 * `host:port/name#oid` of each wanted database that exists (the others are left out), and of
 * every database on the server (`all`, so that records of dropped ones can be forgotten).
 */
export async function databaseKeys(adminUrl, names) {
  const url = new URL(adminUrl);
  const server = `${url.hostname}:${url.port || 5432}/`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT datname, oid::text AS oid FROM pg_database');
    const all = new Map(rows.map((r) => [r.datname, `${server}${r.datname}#${r.oid}`]));
    const wanted = Object.fromEntries(names.filter((n) => all.has(n)).map((n) => [n, all.get(n)]));
    return { server, wanted, all: new Set(all.values()) };
  } finally {
    await client.end();
  }
}

function read() {
  try {
    const value = JSON.parse(readFileSync(FILE, 'utf8'));
    return Array.isArray(value.seeded) ? new Set(value.seeded) : new Set();
  } catch {
    return new Set();
  }
}

export function wasSeeded(key) {
  return key !== undefined && read().has(key);
}

/** Adds `keys`; forgets this server's databases that no longer exist (`all`: databaseKeys). */
export function recordSeeded(keys, { server, all }) {
  const seeded = new Set([...read()].filter((key) => !key.startsWith(server) || all.has(key)));
  for (const key of keys) seeded.add(key);
  mkdirSync(path.dirname(FILE), { recursive: true });
  writeFileSync(FILE, `${JSON.stringify({ seeded: [...seeded].sort() }, null, 2)}\n`);
}
