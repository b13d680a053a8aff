// Environment for the local scripts: `.env` (if present) then `.env.example` fill in whatever the
// shell did not set (process.loadEnvFile never overrides a variable that is already set), so
// `.env.example` is the single list of defaults. Per-service values (PORT, DATABASE_URL, the
// service API keys) are computed here and always win: one shared `.env` cannot hold seven ports.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, SERVICES, databaseUrl, stackPorts } from './services.mjs';

export function loadDotEnv() {
  for (const file of ['.env', '.env.example']) {
    const full = path.join(ROOT, file);
    if (existsSync(full)) process.loadEnvFile(full);
  }
}

const KEYS_FILE = path.join(ROOT, '.data', 'service-api-keys.json');

/**
 * One random API key per service, generated on first use and kept in `.data/service-api-keys.json`
 * (mode 600) so that the keys survive restarts. Each service gets its own key as SERVICE_API_KEY
 * (outbound calls) and every other service's key in SERVICE_API_KEYS (the callers it accepts).
 */
export function serviceApiKeys() {
  let keys = {};
  if (existsSync(KEYS_FILE)) keys = JSON.parse(readFileSync(KEYS_FILE, 'utf8'));
  let changed = false;
  for (const { name } of SERVICES) {
    if (typeof keys[name] !== 'string' || keys[name].length < 16) {
      keys[name] = randomBytes(24).toString('base64url');
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(path.dirname(KEYS_FILE), { recursive: true });
    writeFileSync(KEYS_FILE, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  }
  return keys;
}

/** The environment of one service process started by the local scripts. */
export function serviceEnv(svc, adminUrl, keys, base = process.env) {
  const env = { ...base };
  delete env.POSTGRES_URL; // the admin URL is for the scripts, not for the services
  delete env.DATABASE_URL;
  env.PORT = String(svc.port);
  if (svc.database) env.DATABASE_URL = databaseUrl(adminUrl, svc.database);
  env.SERVICE_API_KEY = keys[svc.name];
  env.SERVICE_API_KEYS = JSON.stringify(
    Object.fromEntries(Object.entries(keys).filter(([caller]) => caller !== svc.name)),
  );
  // the user service tells every other service at once when a user's tokens change
  if (svc.name === 'user') {
    env.TOKEN_STATE_SUBSCRIBERS ||= SERVICES.filter(
      ({ name }) => !['user', 'gateway'].includes(name),
    )
      .map(({ name }) => name)
      .join(',');
  }
  // the services' UPSTREAM_TIMEOUT_MS (.env.example: 2 s per inner call) would cut the edge's
  // whole requests (a checkout makes several inner calls): the gateway has its own
  if (svc.name === 'gateway') env.UPSTREAM_TIMEOUT_MS = base.GATEWAY_UPSTREAM_TIMEOUT_MS || '10000';
  env.NODE_ENV ||= 'development';
  // STACK_PORTS moved some services off their SPEC ports: every service must call them (and
  // fetch the JWKS) where they really are. Untouched otherwise, so `npm start` is as before.
  const ports = stackPorts(base);
  for (const { name, port } of SERVICES) {
    if (name === 'gateway') continue;
    // the gateway is told where all seven are, always: it follows STACK_PORTS
    if (ports[name] === port && svc.name !== 'gateway') continue;
    env[`${name.toUpperCase().replace(/-/g, '_')}_SERVICE_URL`] = `http://127.0.0.1:${ports[name]}`;
    if (name === 'user') env.JWT_JWKS_URL = `http://127.0.0.1:${ports.user}/api/v1/auth/jwks.json`;
  }
  return env;
}
