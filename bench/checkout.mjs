// `npm run bench -- --scenario checkout`: the whole checkout, closed loop, against the platform
// started as `npm start` starts it (by default the seven in one event loop; their own ports and
// fresh databases, see lib/platform.mjs), at several levels of concurrent clients.
//
//   npm run bench -- --scenario checkout                          # 8,16,32,64 clients, 30 s each
//   npm run bench -- --scenario checkout --clients 8,32 --duration 20 --json out.json
//   npm run bench -- --scenario checkout --smoke                  # CI: 2 clients, 3 s, fails on any error
//   npm run bench -- --scenario checkout --processes              # a process per service
//   npm run bench -- --scenario checkout --threads                # the services as threads of one process
//
// Each client is a customer registered beforehand, on its own loopback address (the services
// rate-limit per client IP, as in production) with its own keep-alive agent, and runs
// open cart → add item → check out → pay, again and again. Any answer that is not 2xx is an
// error: counted, shown, and the run exits 1. Per level it reports flows/s, p50/p99 per step and
// per flow, CPU ms per flow of every service process and of the PostgreSQL backends of its
// database, the machine's busy share, RSS per service, the requests each service received and
// the transactions each database ran per flow, and the time until each paid order is `pagada`
// with a delivery. With --processes each service's CPU and RSS are its process's. With
// --threads (`npm start -- --threads`) a service's CPU is its thread's (the launcher's `usage`
// answer), the process's other threads (V8's GC helpers, libuv's pool) are a row of their own,
// and memory is the one process's RSS with each thread's V8 heap. By default
// (`npm start`, also `--in-process`) the seven share one process and one heap: their CPU is one
// row, their memory that process's RSS and its heap. See
// docs/performance.md ("The checkout").
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadDotEnv } from '../scripts/lib/env.mjs';
import { redact, startPostgres } from '../scripts/lib/postgres.mjs';
import { databaseUrl } from '../scripts/lib/services.mjs';
import {
  delta,
  requestCounts,
  statementCounter,
  statementCounts,
  transactionCounts,
} from './lib/counters.mjs';
import { HttpClient, canSpreadAddresses, loopbackAddress } from './lib/http-client.mjs';
import { BENCH_SERVICES, dropDatabases, startPlatform, withClient } from './lib/platform.mjs';
import {
  STEPS,
  brief,
  checkoutFlow,
  createCustomer,
  createProducts,
  login,
  sagaTimes,
} from './lib/shop.mjs';
import { PgProcesses, cpuOf, machineCpu, rssKiB } from './lib/usage.mjs';
import { fmt, percentile, printTable } from './lib/table.mjs';

const USAGE = `usage: npm run bench -- --scenario checkout [options]
  --clients LIST      concurrent clients per level (default 8,16,32,64)
  --duration S        measured seconds per level (default 30)
  --warmup S          seconds of load before each level's measurement (default 5)
  --idle S            seconds measured with no load first: what an idle platform costs (default 5)
  --products N        products the flows pick from at random (default 16)
  --rate-limit N      RATE_LIMIT_PER_MINUTE of the services (default: the platform's, 1200)
  --json FILE         also write every figure as JSON
  --wait-quiet        start each level only once other programs leave the machine nearly idle
                      (at most 3 minutes of waiting per level)
  --threads           start the services as worker threads of one process (npm start -- --threads);
                      memory is then that process's RSS and each thread's heap
  --processes         start every service as a process of its own (npm start -- --processes):
                      CPU and RSS by service
  --in-process        the default: the services in one event loop (npm start); CPU and memory
                      are then that one process's
  --smoke             2 clients, 1 s warm-up, 3 s measured, 2 s idle (CI); still fails on any error`;

function options(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      clients: { type: 'string', default: '8,16,32,64' },
      duration: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '5' },
      idle: { type: 'string', default: '5' },
      products: { type: 'string', default: '16' },
      'rate-limit': { type: 'string' },
      json: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      'wait-quiet': { type: 'boolean', default: false },
      threads: { type: 'boolean', default: false },
      'in-process': { type: 'boolean', default: false },
      processes: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = (name, min, raw = values[name]) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) {
      console.error(`bench: --${name} must be an integer >= ${min}\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  const modes = ['threads', 'in-process', 'processes'].filter((m) => values[m]);
  if (modes.length > 1) {
    console.error(`bench: --${modes.join(' and --')} ask for different run modes\n${USAGE}`);
    process.exit(2);
  }
  // as npm start: one event loop unless asked otherwise
  const inProcess = !values.threads && !values.processes;
  if (values.smoke) {
    return {
      clients: [2],
      duration: 3,
      warmup: 1,
      idle: 2,
      products: 2,
      json: values.json,
      threads: values.threads,
      inProcess,
    };
  }
  const clients = values.clients.split(',').map((c) => num('clients', 1, c.trim()));
  if (Math.max(...clients) > 250 * 50) {
    console.error('bench: at most 12500 clients');
    process.exit(2);
  }
  return {
    clients,
    duration: num('duration', 1),
    warmup: num('warmup', 0),
    idle: num('idle', 0),
    products: num('products', 1),
    rateLimit: values['rate-limit'] === undefined ? undefined : num('rate-limit', 1),
    json: values.json,
    waitQuiet: values['wait-quiet'],
    threads: values.threads,
    inProcess,
  };
}

const log = (msg) => console.log(`bench: ${msg}`);

/** Runs a batch of async jobs at most `width` at a time. */
async function inBatches(items, width, job) {
  const out = [];
  for (let i = 0; i < items.length; i += width) {
    out.push(...(await Promise.all(items.slice(i, i + width).map(job))));
  }
  return out;
}

/** Everything the bench reads at the edges of a window (before and after). */
async function snapshot(ctx) {
  const [requests, xacts, statements] = await Promise.all([
    Promise.all(ctx.services.map((s) => requestCounts(s.url))),
    transactionCounts(ctx.admin, ctx.databases),
    ctx.statements.usable
      ? withClient(ctx.statements.dbUrl, (c) => statementCounts(c, ctx.databases))
      : undefined,
  ]);
  const cpu = await cpuOf([...new Set([...ctx.services.map((s) => s.pid), ctx.launcherPid])]);
  return {
    threads: ctx.threads ? threadUsage(await ctx.platform.usage()) : undefined,
    // (with --in-process the services' CPU is the launcher's: `cpu` has it)
    requests,
    xacts,
    statements,
    cpu,
    machine: machineCpu(),
    bench: process.cpuUsage(),
    at: Date.now(),
  };
}

/** The launcher's `usage` answer with --threads: CPU ms by thread, heap by service. */
function threadUsage(u) {
  return {
    hostKiB: u.rssKiB,
    mainThreadCpuMs: u.mainThreadCpuMs,
    cpuMs: Object.fromEntries(u.services.map((s) => [s.name, s.cpuMs])),
    heapKiB: Object.fromEntries(u.services.map((s) => [s.name, s.heap?.physicalKiB])),
  };
}

/** CPU ms, requests, transactions and statements between two snapshots, by service. */
function costs(ctx, a, b, pgCpu) {
  const byService = {};
  // with threads: each service's thread; the host's other threads are `sharedThreadsMs` below
  // with --in-process: not by service (one thread runs them all): `oneProcessMs` below
  const cpuMs = (snap, s) =>
    ctx.threads ? snap.threads.cpuMs[s.name] : ctx.inProcess ? NaN : snap.cpu.get(s.pid);
  for (const [i, s] of ctx.services.entries()) {
    const reqs = delta(a.requests[i], b.requests[i]);
    const db = ctx.dbOf.get(s.name);
    byService[s.name] = {
      cpuMs: cpuMs(b, s) - cpuMs(a, s),
      pgCpuMs: db ? (pgCpu.get(s.name) ?? 0) : undefined,
      requests: [...reqs.values()].reduce((x, y) => x + y, 0),
      requestsByRoute: Object.fromEntries([...reqs].sort((x, y) => y[1] - x[1])),
      transactions: db ? b.xacts.get(db) - a.xacts.get(db) : undefined,
      statements: db && a.statements ? b.statements.get(db) - a.statements.get(db) : undefined,
    };
  }
  const benchUs = (u) => u.user + u.system;
  const hostMs = b.cpu.get(ctx.launcherPid) - a.cpu.get(ctx.launcherPid);
  const out = {
    ms: b.at - a.at,
    byService,
    pgSharedMs: pgCpu.get('pg shared') ?? 0,
    // with threads the launcher is the host: its main thread relays the log lines
    launcherMs: ctx.threads
      ? b.threads.mainThreadCpuMs - a.threads.mainThreadCpuMs
      : ctx.inProcess
        ? 0
        : hostMs,
    benchMs: (benchUs(b.bench) - benchUs(a.bench)) / 1000,
  };
  if (ctx.threads) {
    // V8's helper threads (concurrent marking, parallel scavenges) and libuv's threadpool
    // (WebCrypto, scrypt, file system), shared by every service thread
    const threadsMs = Object.values(byService).reduce((x, y) => x + y.cpuMs, 0);
    out.sharedThreadsMs = hostMs - out.launcherMs - threadsMs;
  }
  // the seven and the launcher, every thread of the one process (nothing to relay there)
  if (ctx.inProcess) out.oneProcessMs = hostMs;
  if (a.machine && b.machine) {
    const total = b.machine.total - a.machine.total;
    const busy = b.machine.busy - a.machine.busy;
    let ours =
      out.pgSharedMs +
      out.launcherMs +
      out.benchMs +
      (out.sharedThreadsMs ?? 0) +
      (out.oneProcessMs ?? 0);
    for (const x of Object.values(byService)) ours += (x.cpuMs || 0) + (x.pgCpuMs ?? 0);
    out.machineBusy = busy / total;
    // what other programs on the machine used meanwhile (a shared machine skews the figures)
    out.otherLoad = Math.max(0, busy - ours) / total;
  }
  return out;
}

async function rssByService(ctx) {
  if (ctx.threads) {
    // one process: its RSS is what counts; per service, its thread's V8 heap
    const t = threadUsage(await ctx.platform.usage());
    return { host: t.hostKiB, ...t.heapKiB };
  }
  if (ctx.inProcess) {
    // one process, one heap: no figure by service
    const u = await ctx.platform.usage();
    return { host: u.rssKiB, heap: u.mainHeapKiB };
  }
  const out = {};
  for (const s of ctx.services) out[s.name] = await rssKiB(s.pid);
  return out;
}

/** One level: `count` clients in a closed loop for warm-up + duration, measured after warm-up. */
async function runLevel(ctx, opts, count, levelIndex) {
  const clients = ctx.customers.slice(0, count).map((customer, n) => ({
    customer,
    http: new HttpClient(ctx.spread ? loopbackAddress(levelIndex + 1, n) : undefined),
  }));
  // Tokens live ACCESS_TOKEN_TTL_SECONDS (900 by default): renew the old ones, outside the window.
  await inBatches(
    clients.filter((c) => Date.now() - c.customer.loggedInAt > 600_000),
    4,
    async (c) => {
      c.customer.token = await login(ctx.setup, ctx.urls, c.customer.email, c.customer.password);
      c.customer.loggedInAt = Date.now();
    },
  );
  const answers = []; // {step, at, ms, status}
  const flows = []; // {startedAt, endedAt, ms, ok}
  const errors = new Map(); // "step status" → {count, example}
  const paid = new Map(); // order id → when the payment answered
  let stopping = false;
  const record = (step, ms, status, body) => {
    answers.push({ step, at: Date.now(), ms, status });
    if (body !== undefined) {
      const key = `${step} ${status}`;
      const e = errors.get(key) ?? { count: 0, example: brief(body) };
      e.count += 1;
      errors.set(key, e);
    }
  };
  const levelStart = Date.now();
  const loops = clients.map(async ({ customer, http }) => {
    while (!stopping) {
      const startedAt = Date.now();
      const t0 = performance.now();
      const product = ctx.productIds[Math.floor(Math.random() * ctx.productIds.length)];
      const result = await checkoutFlow(http, ctx.urls, customer, product, record);
      flows.push({ startedAt, endedAt: Date.now(), ms: performance.now() - t0, ok: result.ok });
      if (result.ok) paid.set(result.orderId, result.paidAt);
      else await sleep(100); // an error is counted; do not spin on it
    }
  });
  await sleep(opts.warmup * 1000);
  const pgWindow = await ctx.pgProcesses.window();
  const before = await snapshot(ctx);
  await sleep(opts.duration * 1000);
  const after = await snapshot(ctx);
  const pgCpu = await pgWindow.end();
  stopping = true;
  await Promise.all(loops);
  for (const c of clients) c.http.close();
  const rssAfter = await rssByService(ctx);

  const inWindow = (t) => t >= before.at && t <= after.at;
  const done = flows.filter((f) => f.ok && inWindow(f.endedAt));
  const seconds = (after.at - before.at) / 1000;
  const steps = {};
  for (const step of STEPS) {
    const ms = answers.filter((a) => a.step === step && inWindow(a.at)).map((a) => a.ms);
    steps[step] = { p50: percentile(ms, 0.5), p99: percentile(ms, 0.99), n: ms.length };
  }
  const flowMs = done.map((f) => f.ms);
  steps.flow = { p50: percentile(flowMs, 0.5), p99: percentile(flowMs, 0.99), n: flowMs.length };
  const c = costs(ctx, before, after, pgCpu);
  log(
    `${count} clients: ${fmt(done.length / seconds, 1)} flows/s; waiting for the saga of ` +
      `${paid.size} paid orders …`,
  );
  const saga = await sagaTimes(ctx.setup, ctx.urls, ctx.adminToken, paid, levelStart);
  return {
    clients: count,
    seconds,
    flows: done.length,
    flowsPerSec: done.length / seconds,
    flowsStarted: flows.length,
    errors: Object.fromEntries(errors),
    errorCount: [...errors.values()].reduce((a, e) => a + e.count, 0),
    steps,
    ...c,
    rssAfterKiB: rssAfter,
    saga: {
      orders: paid.size,
      missing: saga.missing,
      p50: percentile(saga.seconds, 0.5),
      p99: percentile(saga.seconds, 0.99),
      max: saga.seconds.length ? Math.max(...saga.seconds) : undefined,
    },
  };
}

/**
 * Waits (at most 3 minutes) until the machine has been less than 10 % busy for 3 s in a row:
 * the idle platform itself costs about 1 % (its timers and outbox relays).
 */
async function waitQuiet() {
  const deadline = Date.now() + 180_000;
  let calm = 0;
  while (calm < 3) {
    if (Date.now() > deadline) return log('the machine did not get quiet: measuring anyway');
    const a = machineCpu();
    await sleep(1000);
    const b = machineCpu();
    if (!a || !b) return;
    calm = (b.busy - a.busy) / (b.total - a.total) < 0.1 ? calm + 1 : 0;
  }
}

/** The platform with no load for `seconds`: what idle relays and timers cost. */
async function measureIdle(ctx, seconds) {
  const pgWindow = await ctx.pgProcesses.window();
  const before = await snapshot(ctx);
  await sleep(seconds * 1000);
  const after = await snapshot(ctx);
  return costs(ctx, before, after, await pgWindow.end());
}

// --- Output -------------------------------------------------------------------------------------

const MiB = (kib) => (kib === undefined ? '-' : fmt(kib / 1024));

function report(ctx, idle, idleRss, levels) {
  const names = ctx.services.map((s) => s.name);
  const head = ['clients', ...levels.map((l) => String(l.clients))];
  const per = (l, x) => (x === undefined ? undefined : x / l.flows);
  const sum = (xs) => xs.reduce((a, b) => a + (b ?? 0), 0);

  console.log('\nThroughput and latency (ms; saga: s from the payment 201 to `pagada` + delivery)');
  printTable(head, [
    ['flows/s', ...levels.map((l) => fmt(l.flowsPerSec, 1))],
    ['errors (non-2xx)', ...levels.map((l) => String(l.errorCount))],
    ...['flow', ...STEPS].flatMap((s) => [
      [`${s} p50`, ...levels.map((l) => fmt(l.steps[s].p50))],
      [`${s} p99`, ...levels.map((l) => fmt(l.steps[s].p99))],
    ]),
    ['saga p50 s', ...levels.map((l) => fmt(l.saga.p50, 2))],
    ['saga p99 s', ...levels.map((l) => fmt(l.saga.p99, 2))],
    ['saga max s', ...levels.map((l) => fmt(l.saga.max, 2))],
    ['saga unfinished', ...levels.map((l) => String(l.saga.missing))],
    ['machine busy', ...levels.map((l) => pct(l.machineBusy))],
    ['other programs', ...levels.map((l) => pct(l.otherLoad))],
  ]);

  console.log(
    '\nCPU ms per flow (node = the service process; pg = the PostgreSQL backends of its database)',
  );
  const rows = [];
  for (const n of names) {
    rows.push([`${n} node`, ...levels.map((l) => fmt(per(l, l.byService[n].cpuMs), 2))]);
    if (ctx.dbOf.get(n))
      rows.push([`${n} pg`, ...levels.map((l) => fmt(per(l, l.byService[n].pgCpuMs), 2))]);
  }
  const nodeTotal = (l) =>
    sum(names.map((n) => l.byService[n].cpuMs || 0)) +
    (l.sharedThreadsMs ?? 0) +
    (l.oneProcessMs ?? 0);
  if (ctx.inProcess) {
    rows.push(['all seven, one process⁴', ...levels.map((l) => fmt(per(l, l.oneProcessMs), 2))]);
  }
  if (ctx.threads) {
    rows.push(['shared threads³', ...levels.map((l) => fmt(per(l, l.sharedThreadsMs), 2))]);
  }
  const pgTotal = (l) => sum(names.map((n) => l.byService[n].pgCpuMs));
  rows.push(
    ['services (node)', ...levels.map((l) => fmt(per(l, nodeTotal(l)), 2))],
    ['PostgreSQL (their backends)', ...levels.map((l) => fmt(per(l, pgTotal(l)), 2))],
    ['TOTAL', ...levels.map((l) => fmt(per(l, nodeTotal(l) + pgTotal(l)), 2))],
    ['pg shared processes¹', ...levels.map((l) => fmt(per(l, l.pgSharedMs), 2))],
    ['launcher (log relay)²', ...levels.map((l) => fmt(per(l, l.launcherMs), 2))],
    ['bench client', ...levels.map((l) => fmt(per(l, l.benchMs), 2))],
  );
  printTable(head, rows);
  console.log(
    '¹ postmaster, WAL writer, checkpointer, background writer: shared with every database on the' +
      ' server. ² npm start relays the services’ log lines; not in TOTAL.' +
      (ctx.threads
        ? ' ³ --threads: node rows are each service’s thread; V8’s GC helpers and libuv’s pool' +
          ' are shared by all (in services (node) and TOTAL).'
        : '') +
      (ctx.inProcess
        ? ' ⁴ --in-process: one process runs the seven (and the launcher); its CPU is not' +
          ' split by service.'
        : ''),
  );

  console.log('\nShare of one core (CPU ms per ms of the window)');
  printTable(head, [
    ...names.flatMap((n) => [
      [`${n} node`, ...levels.map((l) => fmt(l.byService[n].cpuMs / l.ms, 2))],
      ...(ctx.dbOf.get(n)
        ? [[`${n} pg`, ...levels.map((l) => fmt(l.byService[n].pgCpuMs / l.ms, 2))]]
        : []),
    ]),
    ['PostgreSQL (all above)', ...levels.map((l) => fmt(pgTotal(l) / l.ms, 2))],
  ]);

  console.log('\nPer flow: requests each service received (hops), transactions, statements');
  const countRows = [];
  for (const n of names) {
    countRows.push([
      `${n} requests`,
      ...levels.map((l) => fmt(per(l, l.byService[n].requests), 2)),
    ]);
    if (ctx.dbOf.get(n)) {
      countRows.push([
        `${n} transactions`,
        ...levels.map((l) => fmt(per(l, l.byService[n].transactions), 2)),
      ]);
      if (ctx.statements.usable)
        countRows.push([
          `${n} statements`,
          ...levels.map((l) => fmt(per(l, l.byService[n].statements), 2)),
        ]);
    }
  }
  countRows.push(
    [
      'all requests',
      ...levels.map((l) => fmt(per(l, sum(names.map((n) => l.byService[n].requests))), 2)),
    ],
    [
      'all transactions',
      ...levels.map((l) => fmt(per(l, sum(names.map((n) => l.byService[n].transactions))), 2)),
    ],
  );
  printTable(head, countRows);
  if (!ctx.statements.usable) console.log(`statements: not counted (${ctx.statements.why})`);

  if (ctx.inProcess) {
    console.log(
      '\nMemory MiB (--in-process): the one process’s RSS (all seven, launcher included) and' +
        ' its V8 heap (physical); idle, then after each level',
    );
    printTable(
      ['', 'idle', ...levels.map((l) => `after ${l.clients}`)],
      [
        ['process RSS', MiB(idleRss.host), ...levels.map((l) => MiB(l.rssAfterKiB.host))],
        ['its V8 heap', MiB(idleRss.heap), ...levels.map((l) => MiB(l.rssAfterKiB.heap))],
      ],
    );
  } else if (ctx.threads) {
    console.log(
      '\nMemory MiB (--threads): the one process’s RSS (all seven, launcher included), then each' +
        ' service thread’s V8 heap (physical); idle, then after each level',
    );
    const heaps = (m) => sum(names.map((n) => m[n]));
    printTable(
      ['', 'idle', ...levels.map((l) => `after ${l.clients}`)],
      [
        ['process RSS', MiB(idleRss.host), ...levels.map((l) => MiB(l.rssAfterKiB.host))],
        ...names.map((n) => [
          `${n} heap`,
          MiB(idleRss[n]),
          ...levels.map((l) => MiB(l.rssAfterKiB[n])),
        ]),
        ['heaps, all seven', MiB(heaps(idleRss)), ...levels.map((l) => MiB(heaps(l.rssAfterKiB)))],
      ],
    );
  } else {
    console.log('\nRSS MiB per service: idle, then after each level');
    printTable(
      ['service', 'idle', ...levels.map((l) => `after ${l.clients}`)],
      [
        ...names.map((n) => [n, MiB(idleRss[n]), ...levels.map((l) => MiB(l.rssAfterKiB[n]))]),
        [
          'all seven',
          MiB(sum(names.map((n) => idleRss[n]))),
          ...levels.map((l) => MiB(sum(names.map((n) => l.rssAfterKiB[n])))),
        ],
      ],
    );
  }

  if (idle) {
    const s = idle.ms / 1000;
    console.log(`\nIdle (${fmt(s, 1)} s, no load): CPU ms per second and transactions per second`);
    printTable(
      ['service', 'node ms/s', 'pg ms/s', 'xact/s', 'requests/s'],
      names.map((n) => {
        const b = idle.byService[n];
        return [
          n,
          fmt(b.cpuMs / s, 1),
          b.pgCpuMs === undefined ? '' : fmt(b.pgCpuMs / s, 1),
          b.transactions === undefined ? '' : fmt(b.transactions / s, 1),
          fmt(b.requests / s, 1),
        ];
      }),
    );
    if (ctx.inProcess) {
      console.log(`all seven, one process: ${fmt(idle.oneProcessMs / s, 1)} node ms/s`);
    }
  }

  const failed = levels.filter((l) => l.errorCount > 0);
  for (const l of failed) {
    console.log(`\nERRORS at ${l.clients} clients:`);
    for (const [k, e] of Object.entries(l.errors)) console.log(`  ${k} × ${e.count}: ${e.example}`);
  }
}

const pct = (x) => (x === undefined ? '-' : `${Math.round(x * 100)}%`);

// --- Main ---------------------------------------------------------------------------------------

export async function main(argv) {
  const opts = options(argv);
  loadDotEnv(); // .env, then .env.example (as npm start): the admin's email and password
  const spread = await canSpreadAddresses();
  const load0 = os.loadavg();
  const pgServer = await startPostgres({ purpose: 'dev', log });
  const adminUrl = pgServer.adminUrl;
  let platform;
  let admin;
  const setup = new HttpClient(spread ? loopbackAddress(0, 0) : undefined);
  let cleaning;
  const cleanup = () =>
    (cleaning ??= (async () => {
      setup.close();
      await admin?.end().catch(() => undefined);
      let result;
      if (platform) {
        const t0 = Date.now();
        log('stopping the platform …');
        result = await platform.stop();
        log(
          `platform stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s, dropped ${result.dropped.length} databases`,
        );
        if (result.leftovers.length)
          console.error(`bench: processes left behind (killed): ${result.leftovers.join(', ')}`);
      }
      await pgServer.stop();
      return result;
    })());
  let interrupted = false;
  const onSignal = (signal) => {
    interrupted = true;
    log(`${signal}: stopping`);
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let failed;
  try {
    for (const name of await dropDatabases(adminUrl))
      log(`dropped ${name}, left by an earlier run`);
    log('starting the platform (npm start: build if needed, migrate, seven services) …');
    // Registration and login hash passwords (scrypt, N = 2^17 by default): only the set-up does
    // them, never a measured flow, so a cheaper hash makes 64 customers in seconds, not minutes.
    const env = { PASSWORD_SCRYPT_LOG_N: process.env.BENCH_SCRYPT_LOG_N || '14' };
    if (opts.threads) env.THREADS = 'true';
    if (!opts.threads) env.IN_PROCESS = String(opts.inProcess);
    if (opts.rateLimit) env.RATE_LIMIT_PER_MINUTE = String(opts.rateLimit);
    platform = await startPlatform({ adminUrl, env, log });
    log(`platform ready in ${platform.seconds} s (log: ${platform.logFile})`);
    admin = new pg.Client({ connectionString: adminUrl, application_name: 'bench-checkout' });
    await admin.connect();

    const urls = Object.fromEntries(platform.services.map((s) => [s.name, s.url]));
    const dbOf = new Map(
      BENCH_SERVICES.filter((s) => s.database).map((s) => [
        s.name,
        `${platform.dbPrefix}${s.database}`,
      ]),
    );
    const databases = [...dbOf.values()];
    const ctx = {
      spread,
      urls,
      setup,
      admin,
      dbOf,
      databases,
      services: platform.services,
      launcherPid: platform.launcherPid,
      platform,
      threads: opts.threads,
      inProcess: opts.inProcess,
      pgProcesses: new PgProcesses(admin, new Map([...dbOf].map(([s, d]) => [d, s]))),
      statements: await statementCounter(
        admin,
        withClient,
        databaseUrl(adminUrl, dbOf.get('user')),
      ),
    };

    ctx.adminToken = await login(
      setup,
      urls,
      process.env.ADMIN_EMAIL || 'admin@example.com',
      process.env.ADMIN_PASSWORD || 'change-me-admin-password',
    );
    ctx.productIds = await createProducts(setup, urls, ctx.adminToken, opts.products);
    const maxClients = Math.max(...opts.clients);
    const started = Date.now();
    // Registration hashes the password (scrypt): a few at a time, each from its own address.
    const setupClients = Array.from(
      { length: maxClients },
      (_, n) => new HttpClient(spread ? loopbackAddress(0, n + 1) : undefined),
    );
    ctx.customers = await inBatches(setupClients, 2, (c) =>
      createCustomer(c, urls, setupClients.indexOf(c)),
    );
    for (const c of setupClients) c.close();
    log(
      `${ctx.customers.length} customers and ${ctx.productIds.length} products in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const idleRss = await rssByService(ctx);
    const idle = opts.idle > 0 ? await measureIdle(ctx, opts.idle) : undefined;
    const levels = [];
    for (const [i, count] of opts.clients.entries()) {
      if (opts.waitQuiet) await waitQuiet();
      log(`${count} clients: ${opts.warmup} s warm-up, ${opts.duration} s measured …`);
      levels.push(await runLevel(ctx, opts, count, i));
    }

    const machine = {
      cpu: `${os.cpus()[0]?.model ?? 'unknown'} × ${os.availableParallelism()}`,
      memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
      node: process.version,
      os: `${os.type()} ${os.release()}`,
      postgres: `${(await admin.query('SHOW server_version')).rows[0].server_version} (${
        pgServer.embedded ? 'embedded' : redact(adminUrl)
      })`,
      loadavgBefore: load0.map((l) => l.toFixed(2)).join(' '),
      loadavgAfter: os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' '),
    };
    console.log('');
    console.log(`machine:  ${machine.cpu}, ${machine.memory}, ${machine.os}, Node ${machine.node}`);
    console.log(`postgres: ${machine.postgres}`);
    console.log(
      `load:     ${opts.warmup} s warm-up + ${opts.duration} s per level, ` +
        `${spread ? 'one loopback address per client' : 'every client on 127.0.0.1'}, ` +
        `${ctx.productIds.length} products, ` +
        `${opts.threads ? 'services as threads of one process' : opts.inProcess ? 'services in one event loop' : 'a process per service'}; load average ${machine.loadavgBefore} before, ` +
        `${machine.loadavgAfter} after`,
    );
    report(ctx, idle, idleRss, levels);

    failed = levels.some((l) => l.errorCount > 0 || l.saga.missing > 0 || l.flows === 0);
    if (opts.json) {
      writeFileSync(
        opts.json,
        `${JSON.stringify(
          {
            machine,
            options: opts,
            platformReadySeconds: platform.seconds,
            statements: ctx.statements.why,
            idle,
            idleRssKiB: idleRss,
            levels,
          },
          null,
          2,
        )}\n`,
      );
      log(`results written to ${opts.json}`);
    }
  } catch (err) {
    if (interrupted) return; // the signal handler stops everything and exits
    console.error(`bench failed: ${err.message}`);
    if (platform) console.error(`--- ${platform.logFile} (tail) ---\n${platform.tail(30)}`);
    failed = true;
  } finally {
    const result = await cleanup();
    if (result?.leftovers.length) failed = true;
  }
  if (failed) {
    console.error('bench: FAILED (errors, an unfinished saga, or no flow completed)');
    process.exitCode = 1;
  }
}
