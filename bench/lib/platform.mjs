// The platform for the checkout bench, started as `npm start` starts it (scripts/start.mjs: build
// if needed, databases, migrations, the services gated on /health), but beside
// anything else on the machine: its own block of free ports (STACK_PORTS), fresh databases
// (STACK_DB_PREFIX, dropped at the end), no gateway (ONLY_SERVICES: the bench calls the services'
// own ports), no demo seed. The launcher runs with an IPC channel, as the full-stack e2e suites
// start it (e2e/support/stack.ts): it reports {type: 'ready', services: [{name, port, pid}]}, and
// it stops every service by itself when the channel closes (this process died). With
// env.IN_PROCESS=true (the default) the seven run in the launcher's event loop, with
// IN_PROCESS=false (`--processes`) a process each; with env.THREADS=true (`--threads`) they are
// worker threads of the launcher's one process, and usage() asks it for each thread's CPU time
// and heap.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePortBlock, isAlive, launcherReady } from '../../scripts/lib/proc.mjs';
import { ROOT, SERVICES } from '../../scripts/lib/services.mjs';
import { withMallocEnv } from '../../scripts/lib/service-process.mjs';

/** The seven services (the gateway is left out: the bench measures the services' own ports). */
export const BENCH_SERVICES = SERVICES.filter((s) => s.name !== 'gateway');

/** The lock the full-stack e2e suites hold while their stack runs (e2e/support/stack.ts). */
const STACK_LOCK_KEY = 0x6e63_5354;

export const DB_PREFIX_HEAD = 'bench_co_';

/** `bench_co_<pid>_`: the pid tells a later run whether the databases' owner is gone. */
export const dbPrefixFor = (pid) => `${DB_PREFIX_HEAD}${pid}_`;

export async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url, application_name: 'bench-checkout' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops the databases named `<prefix>…`; with no prefix, those of earlier runs that died. */
export async function dropDatabases(adminUrl, prefix) {
  return withClient(adminUrl, async (c) => {
    const { rows } = await c.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${prefix ?? DB_PREFIX_HEAD}%`,
    ]);
    const dropped = [];
    for (const { datname } of rows) {
      if (!prefix) {
        const pid = Number(/^bench_co_(\d+)_/.exec(datname)?.[1]);
        if (!(pid > 0) || isAlive(pid)) continue;
      }
      await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(datname)} WITH (FORCE)`);
      dropped.push(datname);
    }
    return dropped;
  });
}

/**
 * Waits for the e2e suites' stack lock on a session of its own, so that the bench and a
 * full-stack suite take turns on the machine instead of measuring each other.
 */
async function takeStackLock(adminUrl, timeoutMs, log) {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'bench-checkout' });
  client.on('error', () => undefined);
  await client.connect();
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    const { rows } = await client.query('SELECT pg_try_advisory_lock($1) AS locked', [
      STACK_LOCK_KEY,
    ]);
    if (rows[0].locked) return client;
    if (!told) log('a full-stack e2e suite runs its stack: waiting for it to finish');
    told = true;
    if (Date.now() > deadline) {
      await client.end();
      throw new Error(`another stack held the machine for more than ${timeoutMs / 1000} s`);
    }
    await sleep(1000);
  }
}

/**
 * Starts the platform; resolves with {services: [{name, port, pid, url}], …, stop()} once all
 * are healthy. `stop()` stops the launcher (SIGINT, as Ctrl-C), waits for every service process
 * to be gone (SIGKILL to any left after the timeout), drops the databases and releases the lock;
 * it resolves with the pids it had to kill (none in a clean run).
 */
export async function startPlatform({ adminUrl, env = {}, log, readyTimeoutMs = 600_000 }) {
  const lock = await takeStackLock(adminUrl, 1_200_000, log);
  const dbPrefix = dbPrefixFor(process.pid);
  const logDir = path.join(ROOT, '.data', 'bench');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${dbPrefix}stack.log`);
  let child;
  let ready;
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      const pids = [child?.pid, ...(ready?.services ?? []).map((s) => s.pid)].filter(Boolean);
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT');
        const timedOut = await Promise.race([
          exited.then(() => false),
          sleep(60_000).then(() => true),
        ]);
        if (timedOut) child.kill('SIGKILL');
      }
      let left = pids.filter(isAlive);
      for (let i = 0; i < 30 && left.length; i += 1) {
        await sleep(100);
        left = pids.filter(isAlive);
      }
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone meanwhile */
        }
      }
      try {
        return { leftovers: left, dropped: await dropDatabases(adminUrl, dbPrefix) };
      } finally {
        await lock.end().catch(() => undefined);
      }
    })());
  try {
    const base = await freePortBlock(BENCH_SERVICES.map((_, i) => i));
    const ports = Object.fromEntries(BENCH_SERVICES.map((s, i) => [s.name, base + i]));
    const out = openSync(logFile, 'w');
    const childEnv = {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV || 'development', // as `npm start`
      POSTGRES_URL: adminUrl,
      STACK_PORTS: Object.entries(ports)
        .map(([n, p]) => `${n}=${p}`)
        .join(','),
      STACK_DB_PREFIX: dbPrefix,
      ONLY_SERVICES: BENCH_SERVICES.map((s) => s.name).join(','),
      SEED: 'false',
      NO_COLOR: '1',
      START_TIMEOUT_MS: '180000',
      ...env,
    };
    // with threads or in-process, glibc's malloc settings as `npm start` has them there (the launcher
    // cannot re-execute itself with them over an IPC channel: scripts/lib/service-process.mjs)
    if (childEnv.THREADS === 'true' || childEnv.IN_PROCESS === 'true') {
      Object.assign(childEnv, withMallocEnv(childEnv));
    }
    delete childEnv.npm_lifecycle_event; // the launcher watches the IPC channel instead
    child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], {
      cwd: ROOT,
      env: childEnv,
      stdio: ['ignore', out, out, 'ipc'],
    });
    closeSync(out);
    ready = await launcherReady(child, readyTimeoutMs);
  } catch (err) {
    await stop().catch(() => undefined);
    err.message += `\n--- ${logFile} (tail) ---\n${tail(logFile)}`;
    throw err;
  }
  let nextId = 0;
  const answers = new Map();
  child.on('message', (msg) => {
    answers.get(msg?.id)?.(msg);
    answers.delete(msg?.id);
  });
  /** The launcher's `usage` answer (scripts/start.mjs): its RSS and CPU, each service thread's. */
  const usage = () =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => {
        answers.delete(id);
        reject(new Error('the launcher did not answer a usage request within 10 s'));
      }, 10_000);
      answers.set(id, (msg) => {
        clearTimeout(timer);
        if (msg.ok) resolve(msg);
        else reject(new Error(`usage: ${msg.error}`));
      });
      child.send({ id, type: 'usage' });
    });
  return {
    usage,
    launcherPid: child.pid,
    dbPrefix,
    logFile,
    seconds: ready.seconds,
    services: ready.services.map((s) => ({ ...s, url: `http://127.0.0.1:${s.port}` })),
    stop,
    tail: (lines) => tail(logFile, lines),
  };
}

function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
