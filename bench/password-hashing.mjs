#!/usr/bin/env node
// What concurrent password changes do to another user's login time (issue 9).
//
//   node bench/password-hashing.mjs                 start a user service and measure
//   node bench/password-hashing.mjs --changers 30 --rounds 3 --json out.json
//   node bench/password-hashing.mjs --url http://127.0.0.1:8001   against a running service
//
// Steps (without --url): PostgreSQL (POSTGRES_URL, else the project's embedded server, as
// `npm start` does) → a throwaway database bench_user_<pid> → build the user service if out of
// date → its migrate entry → the service (LOG_LEVEL=warn, OWASP scrypt parameters, 2^17) on a
// free port. Then: register `changers` + 1 users, log the changers in; the measured user logs
// in alone (`--quiet-logins` times, the baseline); then, `--rounds` times, every changer sends
// one PATCH /users/{own id} {password} at the same moment (retrying after Retry-After when
// refused, until done) while the measured user logs in again and again until every change is
// through. Prints p50/p95/max of the measured user's login latency, alone and during the
// bursts, the statuses (429s counted) of both, and how long the changes took.
//
// Every client has its own loopback source address (127.0.2.n, the measured user 127.0.3.1),
// so the per-IP limits see distinct clients, as they would in production. Where those
// addresses cannot be bound (not Linux) everything comes from 127.0.0.1: start the service
// with a large AUTH_RATE_LIMIT_PER_MINUTE then (the started one gets it automatically).
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { build } from '../scripts/build.mjs';
import { loadDotEnv, serviceApiKeys, serviceEnv } from '../scripts/lib/env.mjs';
import { startPostgres, ensureDatabases } from '../scripts/lib/postgres.mjs';
import { freePort, runQuiet, startNode, stopChild, waitHealthy } from '../scripts/lib/proc.mjs';
import { ROOT, SERVICES, databaseUrl, distEntry } from '../scripts/lib/services.mjs';

const USAGE = `usage: node bench/password-hashing.mjs [options]
  --changers N       users changing their password at the same moment (default 30)
  --rounds N         bursts of changes (default 3)
  --quiet-logins N   logins of the measured user with nothing else running (default 20)
  --url URL          measure a running user service (e.g. npm start's http://127.0.0.1:8001)
  --log-n N          PASSWORD_SCRYPT_LOG_N of the started service (default 17, OWASP)
  --env K=V,...      more variables for the started service (e.g. PASSWORD_HASH_CONCURRENCY=2)
  --no-retry         a change refused with 429 is not tried again (default: retried after
                     Retry-After until done, up to 600 attempts)
  --no-current-password  send no current_password with the changes (for a user service from
                     before self-changes required it; the default sends it)
  --json FILE        also write the results as JSON`;

const { values: opts } = parseArgs({
  allowNegative: true,
  options: {
    changers: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '3' },
    'quiet-logins': { type: 'string', default: '20' },
    url: { type: 'string' },
    'log-n': { type: 'string', default: '17' },
    env: { type: 'string', default: '' },
    json: { type: 'string' },
    'current-password': { type: 'boolean', default: true },
    retry: { type: 'boolean', default: true },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
const int = (name, min) => {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer >= ${min}\n${USAGE}`);
    process.exit(2);
  }
  return n;
};
const CHANGERS = int('changers', 1);
const ROUNDS = int('rounds', 1);
const QUIET_LOGINS = int('quiet-logins', 1);
const LOG_N = int('log-n', 10);

const log = (msg) => console.log(`bench: ${msg}`);
const MAX_ATTEMPTS = 600;
const DB_PREFIX = 'bench_user_';

// --- HTTP with a chosen source address ----------------------------------------------------------

let spread = false;
const changerAddress = (i) => (spread ? `127.0.2.${i + 1}` : undefined);
const MEASURED_ADDRESS = () => (spread ? '127.0.3.1' : undefined);

async function canSpread() {
  return new Promise((resolve) => {
    const probe = net.connect({ port: 9, host: '127.0.0.1', localAddress: '127.0.2.1' });
    probe.once('error', (err) => resolve(err.code === 'ECONNREFUSED'));
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
  });
}

/** One request on its own connection; resolves with status, headers, body and elapsed ms. */
function send(base, method, urlPath, { body, token, localAddress } = {}) {
  const url = new URL(urlPath, base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = { accept: 'application/json' };
  if (payload) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        headers,
        localAddress,
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: json,
            ms: performance.now() - started,
          });
        });
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${urlPath}: timeout`)));
    req.on('error', reject);
    req.end(payload);
  });
}

// --- The service --------------------------------------------------------------------------------

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Starts PostgreSQL, a database and the user service; returns its URL and a cleanup. */
async function startStack() {
  loadDotEnv();
  const pgServer = await startPostgres({ purpose: 'dev', log });
  const adminUrl = pgServer.adminUrl;
  const dbName = `${DB_PREFIX}${process.pid}`;
  await ensureDatabases(adminUrl, [dbName], log);
  const user = SERVICES.find((s) => s.name === 'user');
  await build({ services: [user], log });
  const port = await freePort();
  const extra = Object.fromEntries(
    opts.env
      .split(',')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  const env = {
    ...serviceEnv(user, adminUrl, serviceApiKeys()),
    DATABASE_URL: databaseUrl(adminUrl, dbName),
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    // it verifies its own tokens against its JWKS: where it really listens
    JWT_JWKS_URL: `http://127.0.0.1:${port}/api/v1/auth/jwks.json`,
    LOG_LEVEL: 'warn',
    PASSWORD_SCRYPT_LOG_N: String(LOG_N),
    // the platform-wide per-IP limit is not what is measured here
    RATE_LIMIT_PER_MINUTE: '1000000',
    // one client address for everything: only the hashing bound may refuse
    ...(spread ? {} : { AUTH_RATE_LIMIT_PER_MINUTE: '1000000' }),
    LOGIN_MAX_FAILURES_PER_EMAIL: '1000',
    ...extra,
  };
  const entry = distEntry('user', 'main');
  if (!existsSync(entry)) throw new Error(`no compiled user service at ${entry}`);
  await runQuiet('user:migrate', path.join(path.dirname(entry), 'migrate.js'), { env, cwd: ROOT });
  const child = startNode('user service', [entry], { env, cwd: ROOT });
  const base = `http://127.0.0.1:${port}`;
  const cleanup = async () => {
    await stopChild(child, 15_000);
    await withClient(adminUrl, (c) =>
      c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(dbName)} WITH (FORCE)`),
    );
    await pgServer.stop();
  };
  try {
    await waitHealthy(child, new URL('/health', base));
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { base, cleanup, settings: { PASSWORD_SCRYPT_LOG_N: LOG_N, ...extra } };
}

// --- Measuring ----------------------------------------------------------------------------------

const PASSWORD = 'bench password 0';

async function register(base, email, localAddress) {
  const res = await send(base, 'POST', '/api/v1/users', {
    body: { name: 'Bench User', email, password: PASSWORD },
    localAddress,
  });
  if (res.status !== 201) throw new Error(`register ${email}: ${res.status}`);
  return res.body.id;
}

async function login(base, email, password, localAddress) {
  const res = await send(base, 'POST', '/api/v1/auth/login', {
    body: { email, password },
    localAddress,
  });
  return res;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1],
  };
}

const countBy = (items) =>
  items.reduce(
    (acc, s) => ((acc[s] = (acc[s] ?? 0) + 1), acc),
    /** @type {Record<string, number>} */ ({}),
  );

async function measure(base) {
  const tag = Date.now().toString(36);
  const measured = { email: `bench.login.${tag}@example.com`, address: MEASURED_ADDRESS() };
  await register(base, measured.email, measured.address);
  const changers = [];
  for (let i = 0; i < CHANGERS; i += 1) {
    const email = `bench.changer.${tag}.${i}@example.com`;
    const address = changerAddress(i);
    const id = await register(base, email, address);
    const res = await login(base, email, PASSWORD, address);
    if (res.status !== 200) throw new Error(`login ${email}: ${res.status}`);
    changers.push({ id, email, address, password: PASSWORD, token: res.body.access_token });
  }
  log(`registered ${CHANGERS + 1} users`);

  const quiet = [];
  const quietStatuses = [];
  for (let i = 0; i < QUIET_LOGINS; i += 1) {
    const res = await login(base, measured.email, PASSWORD, measured.address);
    quietStatuses.push(res.status);
    if (res.status === 200) quiet.push(res.ms);
  }

  const loaded = [];
  const loadedStatuses = [];
  const changeStatuses = [];
  const changeMs = [];
  const retryAfter = [];
  const burstMs = [];
  let completed = 0;
  for (let round = 1; round <= ROUNDS; round += 1) {
    let burstDone = false;
    const loginLoop = (async () => {
      while (!burstDone) {
        const res = await login(base, measured.email, PASSWORD, measured.address);
        loadedStatuses.push(res.status);
        if (res.status === 200) loaded.push(res.ms);
        else if (res.status === 429) retryAfter.push(res.headers['retry-after']);
      }
    })();
    // Each changer retries after Retry-After (as a well-behaved client does) until its change
    // is done: the burst lasts until all 30 changes are through.
    const started = performance.now();
    const burst = await Promise.all(
      changers.map(async (c) => {
        const attempts = [];
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
          const res = await send(base, 'PATCH', `/api/v1/users/${c.id}`, {
            body: {
              password: `bench password ${round}`,
              ...(opts['current-password'] ? { current_password: c.password } : {}),
            },
            token: c.token,
            localAddress: c.address,
          });
          attempts.push(res);
          if (res.status !== 429 || !opts.retry) break;
          await sleep(Number(res.headers['retry-after'] ?? 1) * 1000);
        }
        const last = attempts[attempts.length - 1];
        if (last.status === 200) c.password = `bench password ${round}`;
        return { attempts, done: last.status === 200, ms: performance.now() - started };
      }),
    );
    burstDone = true;
    await loginLoop;
    burstMs.push(performance.now() - started);
    for (const change of burst) {
      completed += change.done ? 1 : 0;
      changeMs.push(change.ms);
      for (const res of change.attempts) {
        changeStatuses.push(res.status);
        if (res.status === 429) retryAfter.push(res.headers['retry-after']);
      }
    }
    log(
      `round ${round}: ${burst.filter((c) => c.done).length}/${CHANGERS} changes done in ${Math.round(burstMs.at(-1))} ms, answers ${JSON.stringify(countBy(burst.flatMap((c) => c.attempts.map((r) => r.status))))}`,
    );
  }
  return {
    quiet: { ...summary(quiet), statuses: countBy(quietStatuses) },
    underBurst: { ...summary(loaded), statuses: countBy(loadedStatuses) },
    changes: { ...summary(changeMs), statuses: countBy(changeStatuses) },
    completed,
    burstMs: burstMs.map(Math.round),
    retryAfter: countBy(retryAfter),
  };
}

function print(results, settings) {
  const f = (n) => (Number.isFinite(n) ? `${Math.round(n)} ms` : '-');
  const row = (label, s) =>
    `${label.padEnd(34)} ${String(s.n).padStart(4)} ${f(s.p50).padStart(9)} ${f(s.p95).padStart(9)} ${f(s.max).padStart(9)}   ${JSON.stringify(s.statuses)}`;
  console.log('');
  console.log(`settings: ${JSON.stringify(settings)}; client addresses spread: ${spread}`);
  console.log(
    `machine: ${os.availableParallelism()} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (after the run), Node ${process.version}`,
  );
  console.log(
    `${''.padEnd(34)} ${'n'.padStart(4)} ${'p50'.padStart(9)} ${'p95'.padStart(9)} ${'max'.padStart(9)}   statuses`,
  );
  console.log(row('login alone', results.quiet));
  console.log(row(`login during ${CHANGERS} changes (x${ROUNDS})`, results.underBurst));
  console.log(row('a change, until done (all answers)', results.changes));
  console.log(
    `changes done: ${results.completed}/${CHANGERS * ROUNDS}; each burst took ${results.burstMs.map((ms) => `${ms} ms`).join(', ')}`,
  );
  console.log(`Retry-After values seen: ${JSON.stringify(results.retryAfter)}`);
}

async function main() {
  spread = await canSpread();
  let stack;
  if (opts.url) stack = { base: opts.url, cleanup: async () => {}, settings: { url: opts.url } };
  else stack = await startStack();
  try {
    const results = await measure(stack.base);
    print(results, stack.settings);
    if (opts.json) {
      await writeFile(
        opts.json,
        `${JSON.stringify({ settings: stack.settings, spread, results }, null, 2)}\n`,
      );
    }
  } finally {
    await stack.cleanup();
  }
}

main().catch((error) => {
  console.error(`bench: ${error.stack ?? error}`);
  process.exit(1);
});
