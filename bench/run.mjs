#!/usr/bin/env node
// `npm run bench`: the product service against a bare Fastify + pg server (bench/bare-server.mjs)
// on the same table, with autocannon, for GET /api/v1/products/:id and GET /api/v1/products.
//
//   npm run bench
//   npm run bench -- --duration 20 --connections 50 --rounds 3 --log-levels info,warn
//   npm run bench -- --scenario checkout [--smoke]   (the whole checkout: bench/checkout.mjs)
//
// Steps: PostgreSQL (POSTGRES_URL, else the project's embedded server, as `npm start` does) →
// a throwaway database bench_product_<pid> → build the product service if out of date → its
// migrate and seed entries → the service (NODE_ENV=production, real logging to a file) and the
// bare server on free ports → same answers from both? → per endpoint, autocannon against each
// (warm-up first, then the measured run) → table → stop everything, drop the database.
//
// Besides req/s and latency, the table gives the CPU time each side spends per request (the
// server process, and its PostgreSQL backends), read with pidusage: on a small machine the load
// generator shares the cores, and CPU per request is the figure that does not depend on it.
// See docs/performance.md for the figures and what they mean.
import autocannon from 'autocannon';
import { readdirSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import pg from 'pg';
import pidusage from 'pidusage';
import { build } from '../scripts/build.mjs';
import { loadDotEnv } from '../scripts/lib/env.mjs';
import { startPostgres, ensureDatabases, redact } from '../scripts/lib/postgres.mjs';
import {
  freePort,
  isAlive,
  runQuiet,
  startNode,
  stopChild,
  waitHealthy,
} from '../scripts/lib/proc.mjs';
import { ROOT, SERVICES, databaseUrl, distEntry } from '../scripts/lib/services.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DB_PREFIX = 'bench_product_';

const ENDPOINTS = {
  get: { title: 'GET /api/v1/products/:id', path: (id) => `/api/v1/products/${id}` },
  list: {
    title: 'GET /api/v1/products?limit=20&offset=0',
    path: () => '/api/v1/products?limit=20&offset=0',
  },
  // A page 90% into the catalog, as deep as the offset maximum (PAGE_OFFSET_MAX) allows.
  'list-deep': {
    title: 'GET /api/v1/products?limit=20&offset=<deep>',
    path: (_id, deep) => `/api/v1/products?limit=20&offset=${deep.offset}`,
  },
  // The page after the product 90% into the catalog, by keyset (no offset maximum).
  'list-cursor': {
    title: 'GET /api/v1/products?limit=20&cursor=<deep>',
    path: (_id, deep) => `/api/v1/products?limit=20&cursor=${deep.cursor}`,
  },
};
const PAGE_OFFSET_MAX = 100_000;

const USAGE = `usage: npm run bench -- [options]
  --scenario NAME     reads (default: these product reads) or checkout (the whole checkout;
                      npm run bench -- --scenario checkout --help)
  --connections N     concurrent connections (default 50)
  --duration S        measured seconds per run (default 10)
  --warmup S          warm-up seconds before each measured run (default 5)
  --rounds N          repeat every run N times, report the median by req/s (default 1)
  --endpoints LIST    get,list,list-deep,list-cursor (default get,list)
  --log-levels LIST   service LOG_LEVELs; the first is the headline (default info,warn)
  --rows N            grow the table to N products (default: the demo catalog only)
  --service-entry F   compiled main.js to run instead of dist/ (no build; for experiments)
  --label TEXT        name of the service in the table (default "service")
  --json FILE         also write the results as JSON
  --wait-quiet        start each run only when the machine is idle; repeat a run that other
                      programs disturbed (up to 3 times)
  --keep-logs         keep the service's log files (their directory is printed)
  --one-client        every connection from 127.0.0.1, i.e. one client for the rate limiter
                      (default on Linux: one source address per connection)`;

function options() {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '50' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '1' },
      endpoints: { type: 'string', default: 'get,list' },
      'log-levels': { type: 'string', default: 'info,warn' },
      rows: { type: 'string' },
      'service-entry': { type: 'string' },
      label: { type: 'string', default: 'service' },
      json: { type: 'string' },
      'wait-quiet': { type: 'boolean', default: false },
      'keep-logs': { type: 'boolean', default: false },
      'one-client': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name, min) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) {
      console.error(`bench: --${name} must be an integer >= ${min}\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  const list = (name, allowed) => {
    const items = values[name]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.filter((i) => !allowed.includes(i));
    if (items.length === 0 || bad.length) {
      console.error(`bench: --${name} takes ${allowed.join(',')}\n${USAGE}`);
      process.exit(2);
    }
    return items;
  };
  return {
    connections: int('connections', 1),
    duration: int('duration', 1),
    warmup: int('warmup', 0),
    rounds: int('rounds', 1),
    endpoints: list('endpoints', Object.keys(ENDPOINTS)),
    logLevels: list('log-levels', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    rows: values.rows === undefined ? undefined : int('rows', 1),
    serviceEntry: values['service-entry'] && path.resolve(values['service-entry']),
    label: values.label,
    json: values.json,
    keepLogs: values['keep-logs'],
    oneClient: values['one-client'],
    waitQuiet: values['wait-quiet'],
  };
}

const log = (msg) => console.log(`bench: ${msg}`);

// --- CPU accounting ---------------------------------------------------------------------------
// Per process (the servers, their PostgreSQL backends, other programs): pidusage (utime + stime;
// /proc on Linux, `ps` elsewhere). The whole machine: /proc/stat (machineCpu), which pidusage
// does not give; off Linux the "other load" column stays empty.

const CLK_TCK = 100; // USER_HZ of /proc/stat: 100 on every Linux architecture Node runs on
// A run during which other programs kept more than this share of the machine busy is flagged.
const OTHER_LOAD_WARN = 0.05;
// --wait-quiet starts a run only when the machine is less busy than this.
const QUIET_BUSY = 0.1;

/** CPU time (utime + stime, ms) of each of `pids` that can be read, by pid. */
async function cpuTimes(pids) {
  if (pids.length === 0) return new Map();
  try {
    // (pidusage rewrites the array it is given; a failing pid is left out of the answer)
    const stats = await pidusage([...pids]);
    return new Map(Object.values(stats).flatMap((s) => (s ? [[s.pid, s.ctime]] : [])));
  } catch {
    return new Map(); // a single pid that is gone
  }
}

/** The CPU time (ms) of `pids` together, or undefined when one of them cannot be read. */
async function cpuOf(pids) {
  const times = await cpuTimes(pids);
  if (!pids.every((pid) => times.has(pid))) return undefined;
  return pids.reduce((total, pid) => total + times.get(pid), 0);
}

// --- Child processes --------------------------------------------------------------------------

const children = new Set();

/** Keeps `child` in `children` while it runs, for stopAll. */
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function stopAll() {
  await Promise.all([...children].map((c) => stopChild(c, 15_000)));
}

// --- Database ---------------------------------------------------------------------------------

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropDatabase(adminUrl, name) {
  await withClient(adminUrl, (c) =>
    c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`),
  );
}

/** Databases left by bench runs that died without cleaning up (their pid is gone). */
async function dropStaleDatabases(adminUrl) {
  const { rows } = await withClient(adminUrl, (c) =>
    c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${DB_PREFIX}%`]),
  );
  for (const { datname } of rows) {
    const pid = Number(datname.slice(DB_PREFIX.length));
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
      await dropDatabase(adminUrl, datname);
      log(`dropped ${datname}, left by an earlier run`);
    }
  }
}

/** Grows the catalog to `rows` products (after the demo ones, so the first page stays the same). */
async function growTable(dbUrl, rows) {
  await withClient(dbUrl, async (c) => {
    const {
      rows: [{ n }],
    } = await c.query('SELECT count(*)::int AS n FROM products');
    if (rows > n) {
      await c.query(
        `INSERT INTO products (id, name, description, price, stock_quantity, category, created_at, updated_at)
         SELECT gen_random_uuid(), 'Bench product ' || g, 'Generated by npm run bench.',
                (g % 500) + 0.99, 100, 'bench-' || (g % 10),
                now() + g * interval '1 millisecond', now() + g * interval '1 millisecond'
           FROM generate_series(1, $1::int) AS g`,
        [rows - n],
      );
    }
    await c.query('ANALYZE products');
  });
}

async function backendPids(dbUrl, applicationName) {
  const { rows } = await withClient(dbUrl, (c) =>
    c.query(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
      [applicationName],
    ),
  );
  return rows.map((r) => r.pid);
}

// --- Measuring --------------------------------------------------------------------------------

function cannon(url, connections, duration) {
  return autocannon({ url, connections, duration, pipelining: 1, timeout: 10 });
}

/**
 * Gives each autocannon connection its own loopback source address (127.1.0.1, 127.1.0.2, …), so
 * the servers see `count` clients, as they would in production, instead of one client sending
 * everything. It matters for the service's rate limiter: @nestjs/throttler keeps a sliding 60 s
 * log of hits per client and scans it on every request, so a single client at bench rates would
 * grow that log to the whole run (tens of thousands of entries) and measure an artefact (see
 * docs/performance.md). Linux routes all of 127/8 to the loopback interface; elsewhere (macOS)
 * the addresses cannot be bound and every connection stays on 127.0.0.1. autocannon opens its
 * sockets with `net.connect(port, host)`, which is what is wrapped here.
 * @returns {Promise<boolean>} whether the connections are spread
 */
async function spreadClientAddresses(count) {
  const usable = await new Promise((resolve) => {
    const probe = net.connect({ port: 9, host: '127.0.0.1', localAddress: '127.1.0.1' });
    probe.once('error', (err) => resolve(err.code === 'ECONNREFUSED'));
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
  });
  if (!usable) return false;
  const connect = net.connect;
  let next = 0;
  net.connect = function (...args) {
    // autocannon passes the port as the string from the URL
    if (args.length === 2 && /^\d+$/.test(String(args[0])) && args[1] === '127.0.0.1') {
      const n = (next++ % count) + 1;
      const localAddress = `127.1.${n >> 8}.${n & 255}`;
      return connect.call(net, { port: args[0], host: args[1], localAddress });
    }
    return connect.apply(net, args);
  };
  return true;
}

/**
 * CPU time of the whole machine from /proc/stat, in ms: busy (user + nice + system, i.e. time
 * spent by processes; interrupt time is left out, as the per-process figures leave it out) and
 * total (every core).
 */
function machineCpu() {
  try {
    const n = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9);
    const f = n.map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: ((f[0] + f[1] + f[2]) * 1000) / CLK_TCK, total: (total * 1000) / CLK_TCK };
  } catch {
    return undefined;
  }
}

/** CPU time (ms) of every user process (not kernel threads) except `exclude`, by pid. */
function otherProcessesCpu(exclude) {
  // pidusage reads processes it is given: the list comes from /proc (empty elsewhere).
  let pids;
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return new Map();
  }
  const others = pids.map(Number).filter((pid) => {
    if (exclude.has(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`).length > 0; // empty: a kernel thread
    } catch {
      return false; // gone meanwhile
    }
  });
  return cpuTimes(others);
}

/** Waits (at most 5 min) until the machine has been nearly idle for 2 s: nothing else running. */
async function waitQuiet() {
  const deadline = Date.now() + 300_000;
  let calm = 0;
  while (Date.now() < deadline && calm < 2) {
    const a = machineCpu();
    await sleep(1000);
    const b = machineCpu();
    if (!a || !b) return;
    calm = (b.busy - a.busy) / (b.total - a.total) < QUIET_BUSY ? calm + 1 : 0;
  }
}

/** One warm-up then one measured autocannon run, with the CPU each side used meanwhile. */
async function measureOnce(target, url, opts) {
  if (opts.waitQuiet) await waitQuiet();
  if (opts.warmup > 0) await cannon(url, opts.connections, opts.warmup);
  // The PostgreSQL backends of this side's pool (all open after the warm-up); local servers only.
  const pgPids = target.localPostgres
    ? await backendPids(target.dbUrl, target.applicationName)
    : [];
  const mine = new Set(
    [process.pid, target.child.pid, ...pgPids, ...children].map((c) => c.pid ?? c),
  );
  // Per-process figures are read outside the window of gen and machine, so that reading them
  // does not count as load.
  const readProcesses = () =>
    Promise.all([cpuOf([target.child.pid]), cpuOf(pgPids), otherProcessesCpu(mine)]);
  const [appBefore, dbBefore, othersBefore] = await readProcesses();
  const before = { gen: process.cpuUsage(), machine: machineCpu() };
  const result = await cannon(url, opts.connections, opts.duration);
  const genUsage = process.cpuUsage(before.gen);
  const machine = machineCpu();
  const [appAfter, dbAfter, othersAfter] = await readProcesses();
  const app = appAfter - appBefore;
  const db = pgPids.length === 0 ? undefined : dbAfter - dbBefore;
  const gen = (genUsage.user + genUsage.system) / 1000;
  // Whatever else kept the cores busy meanwhile (other programs on a shared machine): the CPU
  // time of every other process, or what the machine's counters leave after ours, whichever is
  // larger (the first misses processes that ended during the run, the second counts interrupt
  // time apart).
  let others;
  if (before.machine && machine && !Number.isNaN(app)) {
    let processes = 0;
    for (const [pid, ms] of othersAfter) processes += ms - (othersBefore.get(pid) ?? 0);
    const rest = machine.busy - before.machine.busy - app - (db ?? 0) - gen;
    others = Math.max(0, processes, rest) / (machine.total - before.machine.total);
  }
  const ok = result['2xx'];
  const perReq = (ms) =>
    ms === undefined || Number.isNaN(ms) || ok === 0 ? undefined : (ms * 1000) / ok;
  return {
    reqPerSec: result.requests.average,
    requests: result.requests.total,
    ok,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    appCpuUsPerReq: perReq(app),
    dbCpuUsPerReq: perReq(db),
    loadGenCpuUsPerReq: perReq(gen),
    dbBackends: pgPids.length,
    otherLoad: others,
  };
}

/** --wait-quiet: a run disturbed by other programs is repeated (at most 3 times). */
async function measure(target, endpoint, opts) {
  const url = target.baseUrl + endpoint.path(target.productId, target.deep);
  let run;
  for (let attempt = 0; attempt < (opts.waitQuiet ? 4 : 1); attempt++) {
    run = await measureOnce(target, url, opts);
    if (!(run.otherLoad > OTHER_LOAD_WARN)) break;
    if (opts.waitQuiet && attempt < 3)
      process.stdout.write(`disturbed (other load ${pct(run.otherLoad)}), again … `);
  }
  return { target: target.label, endpoint: endpoint.title, ...run };
}

function median(runs) {
  const sorted = [...runs].sort((a, b) => a.reqPerSec - b.reqPerSec);
  return {
    ...sorted[Math.floor((sorted.length - 1) / 2)],
    rounds: runs.length,
    allReqPerSec: runs.map((r) => Math.round(r.reqPerSec)),
  };
}

// --- Output -----------------------------------------------------------------------------------

const pct = (x) => (x === undefined ? '-' : `${Math.round(x * 100)}%`);

function fmt(n, digits = 0) {
  return n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits);
}

function printTable(rows) {
  const header = [
    'endpoint',
    'target',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'non-2xx',
    'app µs/req',
    'pg µs/req',
    'other load',
    'ratio',
  ];
  const lines = rows.map((r) => [
    r.endpoint,
    r.target,
    fmt(r.reqPerSec),
    fmt(r.p50),
    fmt(r.p99),
    String(r.errors),
    String(r.non2xx),
    fmt(r.appCpuUsPerReq),
    fmt(r.dbCpuUsPerReq),
    pct(r.otherLoad),
    r.ratio === undefined ? '' : r.ratio.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  let last;
  for (const l of lines) {
    if (last !== undefined && l[0] !== last) console.log('');
    console.log(row(l[0] === last ? ['', ...l.slice(1)] : l));
    last = l[0];
  }
}

function machine(pgVersion, adminUrl, embedded) {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model ?? 'unknown'} × ${os.availableParallelism()}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    postgres: `${pgVersion} (${embedded ? 'embedded' : redact(adminUrl)})`,
    loadavg: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

// --- Main -------------------------------------------------------------------------------------

async function main() {
  const opts = options();
  const spread = !opts.oneClient && (await spreadClientAddresses(opts.connections));
  loadDotEnv(); // .env, then .env.example, fill what the shell did not set (as npm start does)
  if (os.loadavg()[0] > 0.5) {
    log(
      `load average is ${os.loadavg()[0].toFixed(2)}: other work on this machine will skew the figures`,
    );
  }

  const pgServer = await startPostgres({ purpose: 'dev', log: (m) => log(m) });
  const cleanups = [() => pgServer.stop()];
  let cleaning;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await stopAll();
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch (err) {
          console.error(`bench: cleanup: ${err.message}`);
        }
      }
    })());
  const onSignal = (signal) => {
    log(`${signal}: stopping`);
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const adminUrl = pgServer.adminUrl;
    const dbName = `${DB_PREFIX}${process.pid}`;
    await dropStaleDatabases(adminUrl);
    await ensureDatabases(adminUrl, [dbName], (m) => log(m));
    cleanups.push(async () => {
      await dropDatabase(adminUrl, dbName);
      log(`dropped database ${dbName}`);
    });
    const dbUrl = databaseUrl(adminUrl, dbName);
    const host = new URL(adminUrl).hostname;
    const localPostgres = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);

    const product = SERVICES.find((s) => s.name === 'product');
    let entry = opts.serviceEntry;
    if (!entry) {
      await build({ services: [product], log: (m) => log(m) });
      entry = distEntry('product', 'main');
    }
    const entryDir = path.dirname(entry);
    if (!existsSync(entry)) throw new Error(`no compiled service at ${entry}`);

    const baseEnv = { ...process.env };
    delete baseEnv.POSTGRES_URL;
    const serviceEnv = (level, port) => ({
      ...baseEnv,
      NODE_ENV: 'production',
      LOG_LEVEL: level,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: dbUrl,
      // One client IP sends everything: the per-IP limit (1200/min by default) would turn the
      // run into 429s. The guard still runs and counts every request.
      RATE_LIMIT_PER_MINUTE: '1000000000',
    });

    const quietEnv = serviceEnv('warn', 0);
    const quiet = { env: quietEnv, cwd: ROOT, onSpawn: track };
    await runQuiet('product:migrate', path.join(entryDir, 'migrate.js'), quiet);
    const seeded = await runQuiet('product:seed', path.join(entryDir, 'seed.js'), quiet);
    log(
      seeded
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('{'))
        .join('; ') || 'seeded',
    );
    if (opts.rows) await growTable(dbUrl, opts.rows);
    const { productId, rowCount, pgVersion, deep } = await withClient(dbUrl, async (c) => {
      const first = await c.query('SELECT id FROM products ORDER BY created_at, id LIMIT 1');
      const count = await c.query('SELECT count(*)::int AS n FROM products');
      const version = await c.query('SHOW server_version');
      const rowCount = count.rows[0].n;
      const at = Math.floor(rowCount * 0.9);
      // the cursor format of the product service (product-cursor.ts): base64url of "<µs UTC>|<id>"
      const key = await c.query(
        `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || id AS k
           FROM products ORDER BY created_at, id OFFSET $1 LIMIT 1`,
        [Math.max(0, at - 1)],
      );
      return {
        productId: first.rows[0]?.id,
        rowCount,
        pgVersion: version.rows[0].server_version,
        deep: {
          offset: Math.min(at, PAGE_OFFSET_MAX),
          cursor: Buffer.from(key.rows[0]?.k ?? '').toString('base64url'),
        },
      };
    });
    if (!productId) throw new Error('the seed left the products table empty');

    const logDir = mkdtempSync(path.join(os.tmpdir(), 'nest-commerce-bench-'));
    cleanups.push(() => {
      if (opts.keepLogs) log(`service logs kept in ${logDir}`);
      else rmSync(logDir, { recursive: true, force: true });
    });

    const barePort = await freePort();
    const bareChild = track(
      startNode('bare-server', [path.join(HERE, 'bare-server.mjs')], {
        cwd: ROOT,
        env: { ...baseEnv, PORT: String(barePort), HOST: '127.0.0.1', DATABASE_URL: dbUrl },
      }),
    );
    const bare = {
      label: 'bare fastify+pg',
      child: bareChild,
      baseUrl: `http://127.0.0.1:${barePort}`,
      applicationName: 'bench-bare-server',
      productId,
      deep,
      dbUrl,
      localPostgres,
    };
    await waitHealthy(bareChild, `${bare.baseUrl}/health`);

    const env = machine(pgVersion, adminUrl, pgServer.embedded);
    console.log('');
    console.log(`machine:   ${env.cpu}, ${env.memory}, ${env.os}, Node ${env.node}`);
    console.log(`postgres:  ${env.postgres}, table products: ${rowCount} rows`);
    console.log(`deep page: offset ${deep.offset}; cursor after row ${Math.floor(rowCount * 0.9)}`);
    console.log(
      `load:      autocannon, ${opts.connections} connections ` +
        `(${spread ? `${opts.connections} client addresses` : 'one client address'}), ` +
        `${opts.warmup} s warm-up + ${opts.duration} s per run, ${opts.rounds} round(s); ` +
        `the load generator runs on the same ${os.availableParallelism()} cores`,
    );
    console.log(`load avg:  ${env.loadavg} (before the runs)`);
    console.log('');

    const results = [];
    let checked = false;
    for (const [phase, level] of opts.logLevels.entries()) {
      const port = await freePort();
      const logFile = path.join(logDir, `service-${level}.log`);
      const child = track(
        startNode(`product (LOG_LEVEL=${level})`, [entry], {
          cwd: ROOT,
          env: serviceEnv(level, port),
          stdoutFile: logFile,
        }),
      );
      const service = {
        label: `${opts.label} (LOG_LEVEL=${level})`,
        child,
        baseUrl: `http://127.0.0.1:${port}`,
        applicationName: 'product-service',
        productId,
        deep,
        dbUrl,
        localPostgres,
      };
      await waitHealthy(child, `${service.baseUrl}/health`);
      if (!checked) {
        await checkSameAnswers(service, bare, opts.endpoints);
        checked = true;
      }
      for (const key of opts.endpoints) {
        const endpoint = ENDPOINTS[key];
        const targets = phase === 0 ? [service, bare] : [service];
        const runs = new Map(targets.map((t) => [t, []]));
        for (let round = 0; round < opts.rounds; round++) {
          // Alternate who goes first, so a drift of the machine does not favour one side.
          const order = round % 2 === 0 ? targets : [...targets].reverse();
          for (const target of order) {
            process.stdout.write(
              `bench: ${endpoint.title} · ${target.label} · round ${round + 1}/${opts.rounds} … `,
            );
            const r = await measure(target, endpoint, opts);
            console.log(`${fmt(r.reqPerSec)} req/s`);
            runs.get(target).push(r);
          }
        }
        for (const [target, list] of runs)
          results.push({ ...median(list), logLevel: target === bare ? undefined : level, key });
      }
      await stopChild(child, 15_000);
      const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).length;
      results.filter((r) => r.logLevel === level).forEach((r) => (r.logLines = lines));
      log(`service with LOG_LEVEL=${level} wrote ${lines} log lines`);
    }

    // Ratio: each service row against the bare row of the same endpoint.
    const rows = [];
    for (const key of opts.endpoints) {
      const forKey = results.filter((r) => r.key === key);
      const bareRow = forKey.find((r) => r.target === bare.label);
      const serviceRows = forKey.filter((r) => r !== bareRow);
      rows.push(serviceRows[0], bareRow, ...serviceRows.slice(1));
      for (const r of serviceRows) r.ratio = r.reqPerSec / bareRow.reqPerSec;
    }
    console.log('');
    printTable(rows);
    console.log('');
    // a bench with errors measured something else than the platform serving: fail (CI smoke)
    const failed = rows.filter((r) => r.errors > 0 || r.non2xx > 0);
    if (failed.length) {
      console.error(
        `bench: errors or non-2xx answers in ${failed.map((r) => `${r.endpoint} (${r.target})`).join(', ')}`,
      );
      process.exitCode = 1;
    }
    console.log(
      'ratio = service req/s ÷ bare req/s (goal: 0.8 or better). µs/req = CPU time per 2xx response:',
    );
    console.log(
      'app = the server process, pg = its PostgreSQL backends. The load generator shares the cores,',
    );
    console.log(`so req/s understates what a dedicated server would do; CPU per request does not.`);
    console.log(
      'other load = share of the machine that other programs used during the run (not the bench).',
    );
    const disturbed = rows.filter((r) => r.otherLoad > OTHER_LOAD_WARN);
    if (disturbed.length) {
      console.log(
        `WARNING: ${disturbed.length} run(s) shared the machine with other work (other load above ` +
          `${pct(OTHER_LOAD_WARN)}): compare those figures with care, or rerun with --wait-quiet.`,
      );
    }
    if (opts.json) {
      writeFileSync(
        opts.json,
        `${JSON.stringify({ machine: env, options: { ...opts, rowCount }, results: rows }, null, 2)}\n`,
      );
      log(`results written to ${opts.json}`);
    }
  } finally {
    await cleanup();
  }
}

/** The comparison means something only if both sides answer the same JSON. */
async function checkSameAnswers(service, bare, endpoints) {
  for (const key of endpoints) {
    const p = ENDPOINTS[key].path(service.productId, service.deep);
    const [a, b] = await Promise.all(
      [service, bare].map(async (t) => {
        const res = await fetch(t.baseUrl + p);
        if (res.status !== 200)
          throw new Error(`${t.label}: GET ${p} answered ${res.status}: ${await res.text()}`);
        return res.json();
      }),
    );
    if (!isDeepStrictEqual(a, b)) {
      throw new Error(
        `service and bare server differ on GET ${p}:\nservice: ${JSON.stringify(a).slice(0, 600)}\nbare:    ${JSON.stringify(b).slice(0, 600)}`,
      );
    }
  }
  log('service and bare server return the same JSON');
}

// `--scenario checkout`: the whole checkout against the seven services (bench/checkout.mjs);
// `--scenario reads` (the default): the product reads above.
const argv = process.argv.slice(2);
const at = argv.findIndex((a) => a === '--scenario' || a.startsWith('--scenario='));
const scenario = at < 0 ? 'reads' : argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
if (at >= 0) process.argv.splice(2 + at, argv[at].includes('=') ? 1 : 2);
if (scenario === 'checkout') {
  const { main: checkout } = await import('./checkout.mjs');
  await checkout(process.argv.slice(2));
} else if (scenario === 'reads') {
  main().catch((err) => {
    console.error(`bench failed: ${err.message}`);
    process.exitCode = 1;
  });
} else {
  console.error(`bench: --scenario takes reads or checkout, got "${scenario}"`);
  process.exit(2);
}
