// The whole platform, started the way `npm start` does (node scripts/start.mjs: build if needed,
// databases, migrations, seed, seven service processes gated on health), for the full-stack e2e
// suite. It must not meet a developer's running stack or another suite:
// - ports: a block outside the kernel's ephemeral range (which `listen(0)` and outgoing
//   connections use), checked free, passed as STACK_PORTS (the launcher tells every service
//   where the others are);
// - databases: fresh ones on jest's PostgreSQL (POSTGRES_URL), named with a unique
//   STACK_DB_PREFIX, dropped at the end;
// - the launcher's output goes to .data/e2e/<prefix>stack.log (its tail is in every error);
// - the machine: one stack at a time. Each suite that starts a stack (full-stack*, saga/,
//   recovery/) holds a PostgreSQL advisory lock from start to shutdown, so jest's two workers,
//   both given one at the end of the run (sequencer.mjs), take turns instead of running fourteen
//   service processes side by side on two cores, nor overflow PostgreSQL's max_connections (100
//   by default: seven services with pools of 10 each, twice, do not fit). A dead worker's
//   session ends and frees the lock.
// Stop and restart of one service go through the launcher's IPC control channel, so the launcher
// stays the parent of every service process and its Ctrl-C stops the restarted ones too; if this
// jest worker dies, the channel closes and the launcher stops everything by itself.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { freePortBlock, isAlive, launcherReady } from '../../scripts/lib/proc.mjs';
import { BROKER_URL, brokerEnv, deleteBrokerTopology } from './broker-under-test';

export const ROOT = path.resolve(__dirname, '..', '..');

/** SPEC ports minus 8000: the block keeps the SPEC's layout (product +0 … payment +7). */
const OFFSETS = {
  product: 0,
  user: 1,
  delivery: 2,
  cart: 3,
  order: 5,
  'order-validation': 6,
  payment: 7,
  // the edge (SPEC 8080), in front of the seven
  gateway: 8,
} as const;
export type ServiceName = keyof typeof OFFSETS;
export const SERVICE_NAMES = Object.keys(OFFSETS) as ServiceName[];

export interface StackOptions {
  /** extra environment for every service (the launcher's own defaults come from .env.example) */
  env?: Record<string, string>;
  /** how long the launcher may take to build (if needed), migrate, seed and start everything */
  readyTimeoutMs?: number;
  /** how long to wait for another full-stack suite's stack to be shut down first */
  lockTimeoutMs?: number;
  /**
   * RabbitMQ for this stack whatever AMQP_URL says: `url` is what the services are given (e.g. a
   * proxy's), `direct` the broker itself, for the suite's look-ups and the clean-up. Without
   * it, the broker under test (AMQP_URL), or none.
   */
  broker?: { url: string; direct: string };
  /** processes per service (`npm start -- --replicas N`); their shared state in Redis */
  replicas?: number;
  /** every service a worker thread of the launcher's one process (`npm start -- --threads`) */
  threads?: boolean;
  /** every service (the gateway aside) in the launcher's event loop (`npm start -- --in-process`) */
  inProcess?: boolean;
}

/** The launcher's answer to a `usage` request (scripts/start.mjs, its control channel). */
export interface StackUsage {
  mode: 'threads' | 'in-process' | 'replicas' | 'processes';
  pid: number;
  rssKiB: number;
  cpuMs: number;
  /** the launcher's V8 heap (physical); with `inProcess`, the services' one heap */
  mainHeapKiB: number;
  services: Array<{
    name: ServiceName;
    pid: number;
    threadId?: number;
    cpuMs?: number;
    heap?: { usedKiB: number; totalKiB: number; physicalKiB: number; limitKiB: number };
  }>;
}

/** The Redis the replica suites share state through (the machine's, as `npm start` finds it). */
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** The advisory lock one full-stack suite holds at a time (any constant both agree on). */
const STACK_LOCK_KEY = 0x6e63_5354;

/** Waits for the lock on a session of its own (the lock lives as long as the session). */
async function takeStackLock(adminUrl: string, timeoutMs: number): Promise<Client> {
  const client = new Client({ connectionString: adminUrl });
  client.on('error', () => undefined); // a server restart ends the session: the lock goes with it
  await client.connect();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1) AS locked',
      [STACK_LOCK_KEY],
    );
    if (rows[0].locked) return client;
    if (Date.now() > deadline) {
      await client.end();
      throw new Error(
        `another full-stack suite held its stack for more than ${timeoutMs / 1000} s`,
      );
    }
    await sleep(1000);
  }
}

interface ControlAnswer {
  id: number;
  ok: boolean;
  error?: string;
  pid?: number;
}

/** Processes whose environment carries this stack's unique marker (Linux /proc only). */
function processesWithMarker(marker: string): number[] {
  if (!existsSync('/proc/self/environ')) return [];
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (environ.split('\0').includes(marker) && isAlive(Number(entry))) found.push(Number(entry));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return found;
}

/** Keeps the newest logs of earlier runs only. */
function pruneLogs(dir: string, keep: number): void {
  try {
    const logs = readdirSync(dir)
      .filter((f) => f.endsWith('stack.log'))
      .map((f) => ({ f, t: statSync(path.join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const { f } of logs.slice(keep)) rmSync(path.join(dir, f), { force: true });
  } catch {
    /* nothing to prune */
  }
}

export class FullStack {
  readonly urls: Record<ServiceName, string>;
  /** every pid a service of this stack ever had (initial ones and restarts) */
  readonly servicePids = new Set<number>();
  /** with `replicas`: each service's worker processes when the stack became ready */
  replicaPids: Partial<Record<ServiceName, number[]>> = {};
  /** each service's process as the launcher started it (with replicas: their cluster primary) */
  processOf: Partial<Record<ServiceName, number>> = {};
  /** with `threads`: each service's worker thread (its process is the launcher's) */
  threadOf: Partial<Record<ServiceName, number>> = {};
  readyInSeconds = 0;
  private readonly down = new Set<ServiceName>();
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, (answer: ControlAnswer) => void>();
  private shutdownPromise?: Promise<{ leftovers: number[]; exitCode: number | null; ms: number }>;

  private constructor(
    private readonly child: ChildProcess,
    readonly basePort: number,
    readonly dbPrefix: string,
    readonly logFile: string,
    private readonly adminUrl: string,
    private readonly lock: Client,
    /** the broker the stack's queues live on (reached directly), if it uses one */
    readonly brokerUrl: string | undefined,
  ) {
    this.urls = Object.fromEntries(
      SERVICE_NAMES.map((name) => [name, `http://127.0.0.1:${basePort + OFFSETS[name]}`]),
    ) as Record<ServiceName, string>;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve((this.exitInfo = { code, signal }))),
    );
    child.on('message', (msg: ControlAnswer) => {
      const done = this.waiting.get(msg?.id);
      if (done) {
        this.waiting.delete(msg.id);
        done(msg);
      }
    });
  }

  get launcherPid(): number {
    return this.child.pid ?? -1;
  }

  /** The last lines of the launcher's output (every service's log lines, prefixed). */
  logTail(lines = 60): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  static async start(options: StackOptions = {}): Promise<FullStack> {
    const adminUrl = process.env.POSTGRES_URL;
    if (!adminUrl) throw new Error('POSTGRES_URL is not set: run this suite through jest');
    const lock = await takeStackLock(adminUrl, options.lockTimeoutMs ?? 1_200_000);
    let basePort: number;
    try {
      basePort = await freePortBlock(Object.values(OFFSETS));
    } catch (err) {
      await lock.end();
      throw err;
    }
    const dbPrefix = `fs_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}_`;
    const logDir = path.join(ROOT, '.data', 'e2e');
    mkdirSync(logDir, { recursive: true });
    pruneLogs(logDir, 5);
    const logFile = path.join(logDir, `${dbPrefix}stack.log`);
    const out = openSync(logFile, 'a');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development', // as `npm start` (jest sets test)
      POSTGRES_URL: adminUrl,
      STACK_PORTS: SERVICE_NAMES.map((n) => `${n}=${basePort + OFFSETS[n]}`).join(','),
      STACK_DB_PREFIX: dbPrefix,
      START_TIMEOUT_MS: '180000',
      NO_COLOR: '1',
      // with AMQP_URL set, the stack's events go through RabbitMQ under names of its own
      ...brokerEnv(dbPrefix, options.broker?.url ?? BROKER_URL),
      // replicas share state in Redis, under names of this stack's own
      ...(options.replicas && options.replicas > 1
        ? { REPLICAS: String(options.replicas), REDIS_URL, REDIS_KEY_PREFIX: dbPrefix }
        : {}),
      // the run mode asked for, whatever npm start's default (in-process) and the shell say
      ...(options.threads
        ? { THREADS: 'true', IN_PROCESS: '' }
        : { THREADS: 'false', IN_PROCESS: options.inProcess ? 'true' : 'false' }),
      ...options.env,
    };
    delete env.npm_lifecycle_event; // not under npm: the launcher watches the IPC channel instead
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', out, out, 'ipc'],
    });
    closeSync(out);
    const brokerUrl = options.broker?.direct ?? BROKER_URL;
    const stack = new FullStack(child, basePort, dbPrefix, logFile, adminUrl, lock, brokerUrl);
    const timeoutMs = options.readyTimeoutMs ?? 540_000;
    try {
      const ready = await launcherReady(child, timeoutMs, 'the stack');
      stack.readyInSeconds = ready.seconds;
      // the launcher starts only the services this harness names
      for (const s of ready.services as Array<
        (typeof ready.services)[number] & { name: ServiceName }
      >) {
        if (s.pid) stack.servicePids.add(s.pid);
        stack.processOf[s.name] = s.pid;
        if (s.threadId) stack.threadOf[s.name] = s.threadId;
        for (const pid of s.replicas ?? []) stack.servicePids.add(pid);
        if (options.replicas && options.replicas > 1) stack.replicaPids[s.name] = s.replicas ?? [];
      }
      return stack;
    } catch (err) {
      await stack.shutdown().catch(() => undefined);
      throw new Error(`${(err as Error).message}\n--- ${logFile} (tail) ---\n${stack.logTail()}`, {
        cause: err,
      });
    }
  }

  private control(msg: Record<string, unknown>, timeoutMs = 240_000): Promise<ControlAnswer> {
    if (this.exitInfo || !this.child.connected) {
      return Promise.reject(new Error('the launcher is not running'));
    }
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no answer to ${JSON.stringify(msg)} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiting.set(id, (answer) => {
        clearTimeout(timer);
        if (answer.ok) resolve(answer);
        else reject(new Error(`${msg.type} ${msg.service}: ${answer.error}\n${this.logTail(30)}`));
      });
      this.child.send({ id, ...msg });
    });
  }

  /** Stops one service (SIGTERM: its graceful stop; SIGKILL: a crash); resolves once it is gone. */
  async stopService(
    service: ServiceName,
    signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM',
  ): Promise<void> {
    await this.control({ type: 'stop', service, signal });
    this.down.add(service);
  }

  /**
   * Starts a stopped service again on its port and database (with `env` added to its
   * environment for this run), resolves once it is healthy.
   */
  async startService(service: ServiceName, env?: Record<string, string>): Promise<void> {
    const answer = await this.control({ type: 'start', service, env });
    this.down.delete(service);
    if (answer.pid) this.servicePids.add(answer.pid);
  }

  /** What the stack uses now, by the launcher's account (with threads: each thread's heap). */
  async usage(): Promise<StackUsage> {
    return (await this.control({ type: 'usage' })) as unknown as StackUsage;
  }

  /** For `finally` blocks: starts the service only if this suite stopped it. */
  async ensureRunning(service: ServiceName): Promise<void> {
    if (this.down.has(service)) await this.startService(service);
  }

  /** Runs `work`; a failure carries the launcher's log tail (every service's last lines). */
  async withLog<T>(work: () => Promise<T>, lines = 60): Promise<T> {
    try {
      return await work();
    } catch (err) {
      (err as Error).message += `\n--- ${this.logFile} (tail) ---\n${this.logTail(lines)}`;
      throw err;
    }
  }

  /** For afterAll: stops the stack, drops its databases, fails on a process left behind. */
  async close(): Promise<void> {
    const { leftovers } = await this.shutdown();
    await this.dropDatabases();
    if (leftovers.length) throw new Error(`processes left behind: ${leftovers.join(', ')}`);
  }

  /**
   * SIGINT to the launcher (what Ctrl-C does; or `signal`), waits for it to exit, then lists the processes of
   * this stack still alive (by pid, and by the stack's marker in their environment). Idempotent.
   */
  shutdown(
    timeoutMs = 90_000,
    signal: 'SIGINT' | 'SIGTERM' = 'SIGINT',
  ): Promise<{ leftovers: number[]; exitCode: number | null; ms: number }> {
    this.shutdownPromise ??= (async () => {
      const started = Date.now();
      if (!this.exitInfo) {
        this.child.kill(signal);
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          this.exited.then(() => false),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs))),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          // a bug of the launcher: report it, but leave nothing running
          this.child.kill('SIGKILL');
          for (const pid of this.allPids()) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              /* gone */
            }
          }
          await this.exited;
          await this.lock.end().catch(() => undefined);
          return { leftovers: [-1], exitCode: null, ms: Date.now() - started };
        }
      }
      // the launcher has exited: give the kernel a moment to reap what it waited for
      let leftovers = this.allPids().filter(isAlive);
      for (let i = 0; i < 20 && leftovers.length; i += 1) {
        await sleep(100);
        leftovers = this.allPids().filter(isAlive);
      }
      await this.lock.end().catch(() => undefined); // the next full-stack suite may start
      return { leftovers, exitCode: this.exitInfo?.code ?? null, ms: Date.now() - started };
    })();
    return this.shutdownPromise;
  }

  private allPids(): number[] {
    return [
      ...new Set([
        this.launcherPid,
        ...this.servicePids,
        ...processesWithMarker(`STACK_DB_PREFIX=${this.dbPrefix}`),
      ]),
    ].filter((p) => p > 0);
  }

  /** Drops this stack's databases and its broker queues (after shutdown). */
  async dropDatabases(): Promise<string[]> {
    await deleteBrokerTopology(this.dbPrefix, this.brokerUrl);
    const client = new Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
      const mine = rows.map((r) => r.datname).filter((n) => n.startsWith(this.dbPrefix));
      for (const name of mine) {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      }
      return mine;
    } finally {
      await client.end();
    }
  }
}
