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
]);

export function serviceDir(name) {
  return path.join(ROOT, 'services', name);
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
 * The services that exist in this checkout (their `src/main.ts` is there), in start order.
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
  return SERVICES.filter(
    (s) => hasEntry(s.name, 'main') && (only.length === 0 || only.includes(s.name)),
  );
}

/** Replace the database of a PostgreSQL URL: the admin URL → a service's DATABASE_URL. */
export function databaseUrl(adminUrl, database) {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
