#!/usr/bin/env node
// `npm start`: the whole platform on one machine.
//   build if needed (swc) → PostgreSQL up (POSTGRES_URL, else embedded under .data/postgres) →
//   databases → seed.js where present, once per database (.data/seeded.json) → each service on
//   its SPEC port, in dependency order, gated on GET /health → a table of URLs. Migrations: each
//   service (and each seed) applies its pending ones as it starts. By default the seven run in
//   this process's event loop (`--in-process`, below): on one machine the least memory and CPU;
//   `--processes` runs each as its own `node` process.
// Ctrl-C / SIGTERM / SIGHUP: SIGTERM to every service (SIGKILL after a timeout), then PostgreSQL.
// A second Ctrl-C skips the wait. A service that dies during start stops everything (exit 1);
// one that dies later is reported and the others keep running.
//
// `npm start -- --replicas N` (or REPLICAS=N): N processes of every service, each service's
// port shared by its N processes (node:cluster, scripts/lib/cluster-primary.mjs), so the ports,
// URLs and behaviour are those of one process. Redis holds what they share: REDIS_URL, else
// redis://127.0.0.1:6379 when one answers there (without Redis, rate limits count per process).
//
// `npm start -- --threads` (or THREADS=true): every service in a worker thread of this one process
// (scripts/lib/thread-host.mjs), each still the whole service (its own port, database, pools,
// environment and module state; the services call each other over HTTP), so the node binary's
// pages are resident once, not once per service. Same start order, gating, table, logs and
// control channel; a service thread that dies (uncaught error, out of memory) is reported and
// started again after THREAD_RESTART_DELAY_MS (1000), the others keep running. Heap limits per
// thread: THREAD_YOUNG_GENERATION_MB, THREAD_OLD_GENERATION_MB. Not with --replicas.
//
// `npm start -- --processes` (or IN_PROCESS=false): every service its own `node` process, as a
// container each runs it: a service can crash alone, and each has its own cores and heap.
//
// `npm start` (the default; also `--in-process`, IN_PROCESS=true): the seven services in this
// process's own event loop and V8 heap (scripts/lib/in-process-host.mjs): each still its own
// Nest application, port, database and environment, calling the others over HTTP, but
// node_modules is loaded once for all: the least memory of the three (docs/performance.md
// "Memory"), on one core, and an uncaught error in one service stops them all. The gateway,
// when started, is a process of its own. Not with --replicas or --threads.
//
// Options (environment): ONLY_SERVICES=product,user  SEED=false  LOG_PREFIX=false
//   MIGRATE=true (each service's migrate.js first; by default each service applies its pending
//   migrations as it starts, once across replicas, under an advisory lock)
//   START_TIMEOUT_MS (health wait per service, default 60000)
//   STOP_TIMEOUT_MS (SIGTERM → SIGKILL, default SHUTDOWN_TIMEOUT_MS + 5000)
//   STACK_PORTS=user=28001,product=28000 (other ports than the SPEC's; the services are told
//   where the others are) and STACK_DB_PREFIX=fs_x_ (fresh databases): a second stack next to
//   a developer's, as the full-stack e2e suite (e2e/) starts it.
//
// Control channel (only when started with an IPC channel, e.g. spawn(..., {stdio: [..., 'ipc']}),
// as the full-stack e2e suite does; `npm start` has none and behaves exactly as without it):
//   → {type: 'ready', services: [{name, port, pid}], seconds}  once all are healthy
//   → {type: 'failed', message}                                  start failed (then it stops)
//   ← {id, type: 'stop', service, signal?: 'SIGTERM' | 'SIGKILL'} → {id, ok, pid, code, signal}
//   ← {id, type: 'start', service, env?: {VAR: value}}             → {id, ok, pid} once healthy
//   ← {id, type: 'usage'} → {id, ok, mode, pid, rssKiB, cpuMs, services: [{name, pid, threadId,
//      cpuMs?, heap?}]}  (with --threads: each service thread's CPU time and V8 heap)
//   (`start` spawns a stopped service again with the same environment plus `env`; failures
//   answer {id, ok: false, error}). With --threads, `stop` ends the service's thread (SIGTERM:
//   its graceful stop, SIGKILL: terminated) and `start` starts a new one; pid is this process's.
//   The channel closing (the parent died) stops everything.
import './lib/require-node.mjs';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import v8 from 'node:v8';
import { setTimeout as sleep } from 'node:timers/promises';
import { serviceEnv } from './lib/env.mjs';
import { hasExited, label, pipeLines, ringBuffer, stopChild, waitHealthy } from './lib/proc.mjs';
import { ROOT, distDir, distEntry } from './lib/services.mjs';
import { startServiceInProcess } from './lib/in-process-host.mjs';
import { MALLOC_ENV, reexecWithMallocEnv, serviceExecArgv } from './lib/service-process.mjs';
import { log, prepare, runEntries } from './lib/stack.mjs';
import { startOptions } from './lib/start-options.mjs';
import { startServiceThread, threadLimits } from './lib/thread-host.mjs';

const t0 = Date.now();
const {
  replicas: REPLICAS,
  threads: THREADS,
  inProcess: IN_PROCESS,
} = startOptionsOrExit(process.argv.slice(2), process.env);
// the services of --threads and --in-process run in this process: glibc's settings must be in
// its environment
const mallocReexec = THREADS || IN_PROCESS ? reexecWithMallocEnv() : undefined;
/** the seven share this process (--threads, --in-process): its RSS is theirs */
const SHARED_PROCESS = THREADS || IN_PROCESS;

function startOptionsOrExit(argv, env) {
  try {
    return startOptions(argv, env);
  } catch (error) {
    console.error(`npm start: ${error.message}`);
    process.exit(2);
  }
}
const secs = (from = t0) => ((Date.now() - from) / 1000).toFixed(1);

/** Which services must be healthy before a service starts (only those that exist count). */
const DEPENDS_ON = {
  // every service verifies tokens against user's JWKS; then the services each one calls on
  // its requests (outbox deliveries are retried, so they create no start-up dependency)
  product: ['user'],
  order: ['user', 'product'],
  cart: ['user', 'product', 'order'],
  payment: ['user', 'order'],
  delivery: ['user', 'order'],
  // its /health reports its upstreams
  'order-validation': ['user', 'product', 'order'],
  // the edge's /health is healthy only when all seven are
  gateway: ['user', 'product', 'delivery', 'cart', 'order', 'order-validation', 'payment'],
};

/** @type {Map<string, {svc: any, child: import('node:child_process').ChildProcess, tail: any, healthyAt?: number}>} */
const running = new Map();
let shuttingDown = false;
let pg;
/** @type {Promise<unknown> | undefined} */
let preparing;
let stopRequestedAt = 0;
/** with --threads: {resourceLimits, restartDelayMs} (set once the environment is loaded) */
let threadOptions;

function portInUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setTimeout(500);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

class StartError extends Error {}

/** Whether a Redis server answers PING at host:port. */
function redisAnswers(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

/** Replicas share rate limits, validation results and token notices through Redis. */
async function shareStateInRedis() {
  if (process.env.REDIS_URL) return log(`replicas share their state through REDIS_URL`);
  if (await redisAnswers('127.0.0.1', 6379)) {
    process.env.REDIS_URL = 'redis://127.0.0.1:6379';
    return log(`replicas share their state through Redis at 127.0.0.1:6379`);
  }
  log(
    `WARNING: no REDIS_URL and no Redis on 127.0.0.1:6379: each of the ${REPLICAS} replicas ` +
      `counts rate limits and keeps validation results alone (README "Replicas")`,
  );
}

function spawnService(svc, env) {
  // (the environment is kept so that the control channel can start the service again)
  const main = distEntry(svc.name, 'main');
  const replicated = REPLICAS > 1;
  const args = replicated
    ? [path.join(ROOT, 'scripts', 'lib', 'cluster-primary.mjs'), main]
    : [...serviceExecArgv(env), main];
  const child = THREADS
    ? startServiceThread(svc, env, { entry: main, resourceLimits: threadOptions.resourceLimits })
    : IN_PROCESS && svc.name !== 'gateway'
      ? startServiceInProcess(svc, env, { distDir: distDir(svc.name) })
      : spawn(process.execPath, args, {
          cwd: ROOT,
          env: replicated ? { ...env, REPLICAS: String(REPLICAS) } : env,
          // Own process group: Ctrl-C reaches only this launcher, which stops the services in order.
          detached: true,
          stdio: replicated ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
        });
  // with replicas, ready means every one of them listens (the primary says so)
  let replicasListening = Promise.resolve([child.pid]);
  if (replicated) {
    replicasListening = new Promise((resolve) =>
      child.on('message', (msg) => msg?.type === 'replicas-listening' && resolve(msg.pids)),
    );
    child.channel?.unref();
  }
  const tail = ringBuffer(30);
  pipeLines(child.stdout, svc.name, process.stdout, tail.push);
  pipeLines(child.stderr, svc.name, process.stderr, tail.push);
  // a thread's uncaught error reaches the host, not the thread's stderr: shown as a process's is
  child.on('thread-error', (text) => {
    const line = `uncaught ${text}`;
    tail.push(line);
    process.stderr.write(
      process.env.LOG_PREFIX === 'false' ? `${line}\n` : `${label(svc.name)} ${line}\n`,
    );
  });
  // Resolves once the process is gone and its output pipes are drained (last lines printed).
  const closed = new Promise((resolve) => child.once('close', resolve));
  const entry = { svc, child, tail, closed, env, controlledStop: false, replicasListening };
  running.set(svc.name, entry);
  child.on('exit', (code, signal) => {
    if (shuttingDown || entry.controlledStop) return;
    const why = signal ? `killed by ${signal}` : `exit code ${code}`;
    if (entry.healthyAt && THREADS) {
      // as a cluster primary replaces a dead replica (scripts/lib/cluster-primary.mjs)
      console.error(
        `\n${svc.name} stopped unexpectedly (${why}); starting it again in ` +
          `${threadOptions.restartDelayMs} ms; the other services keep running.`,
      );
      restartThread(entry, threadOptions.restartDelayMs);
    } else if (entry.healthyAt) {
      console.error(
        `\n${svc.name} stopped unexpectedly (${why}); the other services keep running.`,
      );
      if ([...running.values()].every((e) => hasExited(e.child))) {
        console.error('every service has stopped');
        void shutdown(1);
      }
    }
  });
  return entry;
}

/** Starts a dead service thread again after `delayMs` (and again, later, if it fails to). */
function restartThread(dead, delayMs) {
  setTimeout(async () => {
    // stopping, or the control channel started it meanwhile
    if (shuttingDown || running.get(dead.svc.name) !== dead) return;
    const next = spawnService(dead.svc, dead.env);
    try {
      await gateOnHealth(next, Number(process.env.START_TIMEOUT_MS) || 60_000);
    } catch (err) {
      if (shuttingDown) return;
      next.controlledStop = true;
      await stopChild(next.child, 5_000, 'SIGKILL');
      const later = Math.min(delayMs * 2, 60_000);
      console.error(
        `${dead.svc.name} did not start again (${err.message}); next try in ${later} ms`,
      );
      restartThread(next, later);
    }
  }, delayMs);
}

/** Waits for the service's GET /health to answer 200; a StartError when it exits or is late. */
async function gateOnHealth(entry, timeoutMs) {
  const { svc, child, tail } = entry;
  const started = Date.now();
  const url = `http://127.0.0.1:${svc.port}/health`;
  await waitHealthy(child, url, {
    timeoutMs,
    intervalMs: 150,
    stopping: () => shuttingDown,
    exitedError: async () => {
      await Promise.race([entry.closed, sleep(1000)]); // its last lines
      const why = child.signalCode
        ? `killed by ${child.signalCode}`
        : `exit code ${child.exitCode}`;
      return new StartError(
        `${svc.name} exited during start (${why}). Last output:\n${tail.text() || '(none)'}`,
      );
    },
    timeoutError: () =>
      new StartError(
        `${svc.name}: GET ${url} did not answer 200 within ${timeoutMs / 1000} s. Last output:\n${tail.text() || '(none)'}`,
      ),
  });
  entry.replicaPids = await Promise.race([
    entry.replicasListening,
    sleep(timeoutMs).then(() => {
      throw new StartError(
        `${svc.name}: not all ${REPLICAS} replicas listened within ${timeoutMs / 1000} s`,
      );
    }),
  ]);
  entry.healthyAt = Date.now();
  const copies =
    REPLICAS > 1
      ? `, ${REPLICAS} replicas`
      : THREADS
        ? ', a thread'
        : IN_PROCESS && svc.name !== 'gateway'
          ? ', in this process'
          : '';
  log(`${svc.name} healthy on :${svc.port} (${secs(started)} s after spawn${copies})`);
}

async function startServices({ services, pg: postgres, keys }) {
  const timeoutMs = Number(process.env.START_TIMEOUT_MS) || 60_000;
  const busy = [];
  for (const svc of services) if (await portInUse(svc.port)) busy.push(`${svc.name} (${svc.port})`);
  if (busy.length) {
    throw new StartError(
      `port(s) already in use: ${busy.join(', ')}. Is another \`npm start\` still running?`,
    );
  }
  const names = new Set(services.map((s) => s.name));
  const ready = new Map();
  const start = (svc) => {
    if (!ready.has(svc.name)) {
      const deps = (DEPENDS_ON[svc.name] ?? []).filter((d) => names.has(d) && d !== svc.name);
      ready.set(
        svc.name,
        (async () => {
          await Promise.all(deps.map((d) => start(services.find((s) => s.name === d))));
          if (shuttingDown) throw new StartError('start interrupted');
          const entry = spawnService(svc, serviceEnv(svc, postgres.adminUrl, keys));
          await gateOnHealth(entry, timeoutMs);
        })(),
      );
    }
    return ready.get(svc.name);
  };
  // allSettled first so that one failure does not leave another start half-observed.
  const results = await Promise.allSettled(services.map(start));
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
}

function rssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function descendants(pid) {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    return kids.flatMap((k) => [k, ...descendants(k)]);
  } catch {
    return [];
  }
}

function printTable(services) {
  const gateway = services.find((s) => s.name === 'gateway');
  if (gateway) {
    console.log(
      `\nThe platform: http://localhost:${gateway.port}  (API: /api/v1/…, docs portal: ` +
        `http://localhost:${gateway.port}/docs, health of all: /health)`,
    );
  }
  // the gateway first, then each service's own port for direct use
  const ordered = gateway ? [gateway, ...services.filter((s) => s !== gateway)] : services;
  const rows = ordered.map((s) => [
    s.name,
    String(s.port),
    `http://localhost:${s.port}/api/v1`,
    `http://localhost:${s.port}/docs`,
    `http://localhost:${s.port}/health`,
  ]);
  const head = ['service', 'port', 'API', 'Swagger UI', 'health'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows) console.log(line(r));

  let memory = '';
  if (existsSync('/proc/self/status')) {
    // threads, in-process: this one process, launcher included (the figure issue 14 counts),
    // plus the gateway's process when it runs
    const own = (e) => !SHARED_PROCESS || e.child.pid !== process.pid;
    const servicesKiB =
      (SHARED_PROCESS ? rssKiB(process.pid) : 0) +
      [...running.values()]
        .filter(own)
        .reduce(
          (acc, e) =>
            acc + [e.child.pid, ...descendants(e.child.pid)].reduce((sum, p) => sum + rssKiB(p), 0),
          0,
        );
    const pgKiB =
      pg.embedded && pg.pid
        ? [pg.pid, ...descendants(pg.pid)].reduce((acc, p) => acc + rssKiB(p), 0)
        : 0;
    const what = SHARED_PROCESS
      ? `one process (pid ${process.pid}, launcher included)${running.has('gateway') ? ' and the gateway' : ''}`
      : 'services';
    memory = `; memory (RSS): ${what} ${(servicesKiB / 1024).toFixed(0)} MiB${pgKiB ? `, embedded PostgreSQL ${(pgKiB / 1024).toFixed(0)} MiB` : ''}`;
  }
  console.log(
    `\nAll ${services.length} service(s) healthy ${secs()} s after \`npm start\`${memory}.` +
      `\nDatabase: ${pg.embedded ? 'embedded PostgreSQL (.data/postgres)' : 'POSTGRES_URL'}. Press Ctrl-C to stop everything.\n`,
  );
}

async function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  const stopTimeout =
    Number(process.env.STOP_TIMEOUT_MS) ||
    (Number(process.env.SHUTDOWN_TIMEOUT_MS) || 10_000) + 5_000;
  const alive = [...running.values()].filter((e) => !hasExited(e.child));
  if (alive.length)
    log(
      `stopping ${alive.map((e) => e.svc.name).join(', ')} (SIGTERM, SIGKILL after ${stopTimeout / 1000} s)`,
    );
  const results = await Promise.all(alive.map((e) => stopChild(e.child, stopTimeout)));
  const forced = alive.filter((_, i) => results[i].forced).map((e) => e.svc.name);
  if (forced.length) log(`killed after the timeout: ${forced.join(', ')}`);
  // Stopped during `prepare` (building, PostgreSQL starting): let it finish, so that an embedded
  // PostgreSQL that is coming up gets stopped too (build processes got the Ctrl-C themselves).
  await preparing?.catch(() => {});
  try {
    await pg?.stop();
  } catch (err) {
    console.error(`stopping PostgreSQL failed: ${err.message}`);
    code ||= 1;
  }
  log(`stopped${code ? ` (exit code ${code})` : ''}`);
  process.exit(code);
}

function forceKillAll() {
  for (const e of running.values()) if (!hasExited(e.child)) e.child.kill('SIGKILL');
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    // Under `npm start`, one Ctrl-C arrives twice (from the terminal and forwarded by npm):
    // only a repeat more than a second later means "kill now".
    if (shuttingDown && Date.now() - stopRequestedAt < 1000) return;
    if (shuttingDown) {
      console.error(`\n${sig} again: killing the services now`);
      forceKillAll();
      return;
    }
    stopRequestedAt = Date.now();
    console.log('');
    log(`${sig} received`);
    // A requested stop is a clean exit (0), also during start.
    void shutdown(0);
  });
}
/** The control channel (see the header): stop and start one service of the running stack. */
const notify = (msg) => {
  if (process.connected) process.send(msg);
};

/** What the services use now: with threads, each one's CPU time and heap (bench/checkout.mjs). */
async function usage() {
  const alive = [...running.values()].filter((e) => !hasExited(e.child));
  const cpu = process.cpuUsage();
  const main = process.threadCpuUsage();
  return {
    mode: THREADS ? 'threads' : IN_PROCESS ? 'in-process' : REPLICAS > 1 ? 'replicas' : 'processes',
    pid: process.pid,
    // the whole process: every thread (services, V8's helpers, libuv's pool) and the launcher
    rssKiB: rssKiB(process.pid),
    cpuMs: (cpu.user + cpu.system) / 1000,
    // this thread: the launcher's own work, mostly relaying the services' log lines
    mainThreadCpuMs: (main.user + main.system) / 1000,
    // the launcher's own V8 heap (in rssKiB, not in any service's; with --in-process the
    // services' one heap)
    mainHeapKiB: Math.round(v8.getHeapStatistics().total_physical_size / 1024),
    services: await Promise.all(
      alive.map(async (e) => ({
        name: e.svc.name,
        pid: e.child.pid,
        threadId: e.child.threadId,
        ...(THREADS ? await e.child.usage().catch(() => ({})) : {}),
      })),
    ),
  };
}

async function control(msg) {
  if (msg?.type === 'usage') return usage();
  const entry = running.get(msg?.service);
  if (!entry) throw new Error(`unknown or never started service "${msg?.service}"`);
  if (msg.type === 'stop') {
    if (hasExited(entry.child)) throw new Error(`${msg.service} is not running`);
    const signal = msg.signal === 'SIGKILL' ? 'SIGKILL' : 'SIGTERM';
    entry.controlledStop = true;
    log(`control: stopping ${msg.service} (${signal})`);
    const stopTimeout =
      Number(process.env.STOP_TIMEOUT_MS) ||
      (Number(process.env.SHUTDOWN_TIMEOUT_MS) || 10_000) + 5_000;
    await stopChild(entry.child, stopTimeout, signal);
    await entry.closed;
    log(`control: ${msg.service} stopped`);
    return { pid: entry.child.pid, code: entry.child.exitCode, signal: entry.child.signalCode };
  }
  if (msg.type === 'start') {
    if (!hasExited(entry.child)) throw new Error(`${msg.service} is already running`);
    if (await portInUse(entry.svc.port)) throw new Error(`port ${entry.svc.port} is in use`);
    log(`control: starting ${msg.service} again`);
    const env = { ...entry.env, ...(msg.env ?? {}) };
    const next = spawnService(entry.svc, env);
    next.env = entry.env; // overrides are for this run only
    const timeoutMs = Number(process.env.START_TIMEOUT_MS) || 60_000;
    try {
      await gateOnHealth(next, timeoutMs);
    } catch (err) {
      next.controlledStop = true;
      await stopChild(next.child, 5_000, 'SIGKILL');
      throw err;
    }
    return { pid: next.child.pid };
  }
  throw new Error(`unknown control message type "${msg.type}"`);
}

if (process.send) {
  process.on('message', (msg) => {
    if (shuttingDown) return notify({ id: msg?.id, ok: false, error: 'the stack is stopping' });
    control(msg).then(
      (result) => notify({ id: msg.id, ok: true, ...result }),
      (err) => notify({ id: msg?.id, ok: false, error: err.message }),
    );
  });
  // The parent that controls us is gone (crashed, killed): stop, leave nothing behind.
  process.on('disconnect', () => {
    if (shuttingDown) return;
    log('control channel closed');
    stopRequestedAt = Date.now();
    void shutdown(0);
  });
}

// Last resort (an unexpected crash of this launcher): do not leave services behind.
process.on('exit', () => forceKillAll());

// Under `npm start`, `kill <npm pid>` stops npm and its `sh -c` without telling us: when our
// parent goes away (we are re-parented), stop as if we had been sent SIGTERM.
// Output to a reader that has gone (EPIPE) must not crash the orderly stop.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && !shuttingDown) {
      log(`parent process ${parent} is gone`);
      stopRequestedAt = Date.now();
      void shutdown(0);
    }
  }, 500).unref();
}

try {
  preparing = prepare({ detached: true }).then((ctx) => ((pg = ctx.pg), ctx));
  const ctx = await preparing;
  if (!shuttingDown) {
    // Every service (and every seed) applies its pending migrations as it starts, under an
    // advisory lock; a migrate step first would only boot six more processes to find, on every
    // start but the first, nothing to do.
    if (process.env.MIGRATE === 'true') await runEntries('migrate', ctx);
    else log('migrate: each service applies its pending migrations as it starts');
    if (process.env.SEED !== 'false') await runEntries('seed', ctx, { once: true });
    if (REPLICAS > 1) await shareStateInRedis();
    if (THREADS) {
      threadOptions = {
        resourceLimits: threadLimits(),
        restartDelayMs: Number(process.env.THREAD_RESTART_DELAY_MS ?? 1000),
      };
      const { maxYoungGenerationSizeMb: young, maxOldGenerationSizeMb: old } =
        threadOptions.resourceLimits;
      log(
        `threads: every service in a worker thread of this process (pid ${process.pid}); ` +
          `young generation ${young} MiB, old generation at most ${old} MiB each`,
      );
      if (mallocReexec === 'ipc') {
        log(
          `threads: ${Object.keys(MALLOC_ENV).join(', ')} not in this process's environment ` +
            `(started with an IPC channel: its parent sets them; docs/performance.md "Memory")`,
        );
      }
    }
    if (IN_PROCESS) {
      log(`in-process: every service in this process's event loop (pid ${process.pid})`);
    }
    await startServices(ctx);
    printTable(ctx.services);
    notify({
      type: 'ready',
      seconds: Number(secs()),
      services: ctx.services.map((s) => ({
        name: s.name,
        port: s.port,
        pid: running.get(s.name)?.child.pid,
        threadId: running.get(s.name)?.child.threadId,
        replicas: running.get(s.name)?.replicaPids,
      })),
    });
  }
} catch (err) {
  if (!shuttingDown) {
    console.error(`\nnpm start failed: ${err.message}`);
    notify({ type: 'failed', message: err.message });
    await shutdown(1);
  }
}
