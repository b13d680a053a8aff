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

/** `host:port/name#oid` of each database that exists (the others are left out). */
export async function databaseKeys(adminUrl, names) {
  const wanted = names.filter(Boolean);
  if (wanted.length === 0) return {};
  const url = new URL(adminUrl);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname, oid::text AS oid FROM pg_database WHERE datname = ANY($1)',
      [wanted],
    );
    return Object.fromEntries(
      rows.map((r) => [r.datname, `${url.hostname}:${url.port || 5432}/${r.datname}#${r.oid}`]),
    );
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
  return read().has(key);
}

export function recordSeeded(keys) {
  const seeded = read();
  for (const key of keys) seeded.add(key);
  mkdirSync(path.dirname(FILE), { recursive: true });
  writeFileSync(FILE, `${JSON.stringify({ seeded: [...seeded].sort() }, null, 2)}\n`);
}
