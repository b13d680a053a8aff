// The one registry of the platform's services (SPEC.md "Services, ports, databases").
// Every script (build, start, migrate, seed, CI) reads this list and acts only on the services
// whose `services/<name>/src/main.ts` exists, so services can be added one issue at a time.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Listed in start order: a service comes after the services it calls at start or on its
 * first requests (user issues the JWKS everybody verifies against; order-validation asks user,
 * product and order).
 * @type {ReadonlyArray<{name: string, port: number, database: string | null}>}
 */
export const SERVICES = Object.freeze([
  { name: 'user', port: 8001, database: 'user_db' },
  { name: 'product', port: 8000, database: 'product_db' },
  { name: 'delivery', port: 8002, database: 'delivery_db' },
  { name: 'payment', port: 8007, database: 'payment_db' },
  { name: 'order', port: 8005, database: 'order_db' },
  { name: 'cart', port: 8003, database: 'cart_db' },
  { name: 'order-validation', port: 8006, database: null },
  // the edge: last, in front of all seven (docs/gateway.md)
  { name: 'gateway', port: 8080, database: null },
]);

export function serviceDir(name) {
  return path.join(ROOT, 'services', name);
}

/** A service's build: its own code and every lib it includes (scripts/lib/swc-compile.mjs). */
export function distDir(name) {
  return path.join(ROOT, 'dist', 'services', name);
}

/** Compiled entry point of a service: `main`, `migrate` or `seed` (see nest-cli.json outDir). */
export function distEntry(name, entry) {
  return path.join(ROOT, 'dist', 'services', name, 'services', name, 'src', `${entry}.js`);
}

export function sourceEntry(name, entry) {
  return path.join(serviceDir(name), 'src', `${entry}.ts`);
}

export function hasEntry(name, entry) {
  return existsSync(sourceEntry(name, entry));
}

/**
 * `STACK_PORTS=user=28001,product=28000,...`: other ports than the SPEC's for some services (a
 * second stack next to a developer's, as the full-stack e2e suite starts). Unset: the SPEC ports.
 * @returns {Record<string, number>} every service's port
 */
export function stackPorts(env = process.env) {
  const ports = Object.fromEntries(SERVICES.map((s) => [s.name, s.port]));
  const raw = (env.STACK_PORTS ?? '').trim();
  if (!raw) return ports;
  for (const pair of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z-]+)=(\d{1,5})$/.exec(pair);
    const port = m ? Number(m[2]) : 0;
    if (!m || !SERVICES.some((s) => s.name === m[1]) || port < 1 || port > 65535) {
      throw new Error(
        `STACK_PORTS: "${pair}" is not <service>=<port> (services: ${SERVICES.map((s) => s.name).join(', ')})`,
      );
    }
    ports[m[1]] = port;
  }
  const seen = new Map();
  for (const [name, port] of Object.entries(ports)) {
    if (seen.has(port))
      throw new Error(`STACK_PORTS: ${seen.get(port)} and ${name} both on ${port}`);
    seen.set(port, name);
  }
  return ports;
}

/**
 * `STACK_DB_PREFIX=fs_1a2b_`: every database name gets this prefix (fresh databases for a second
 * stack on the same PostgreSQL). Unset: the SPEC names.
 */
export function stackDbPrefix(env = process.env) {
  const prefix = env.STACK_DB_PREFIX ?? '';
  if (prefix && !/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) {
    throw new Error(
      `STACK_DB_PREFIX must be lower-case letters, digits and _ (at most 41), got "${prefix}"`,
    );
  }
  return prefix;
}

/**
 * The services that exist in this checkout (their `src/main.ts` is there), in start order, with
 * the ports and database names of this stack (STACK_PORTS, STACK_DB_PREFIX).
 * `ONLY_SERVICES=product,user` narrows the list (handy while working on one service).
 */
export function existingServices(env = process.env) {
  const only = (env.ONLY_SERVICES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of only) {
    if (!SERVICES.some((s) => s.name === name)) {
      throw new Error(
        `ONLY_SERVICES: unknown service "${name}" (known: ${SERVICES.map((s) => s.name).join(', ')})`,
      );
    }
  }
  const ports = stackPorts(env);
  const prefix = stackDbPrefix(env);
  return SERVICES.filter(
    (s) => hasEntry(s.name, 'main') && (only.length === 0 || only.includes(s.name)),
  ).map((s) => ({
    ...s,
    port: ports[s.name],
    database: s.database && `${prefix}${s.database}`,
  }));
}

/** Replace the database of a PostgreSQL URL: the admin URL → a service's DATABASE_URL. */
export function databaseUrl(adminUrl, database) {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
