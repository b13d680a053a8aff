// `npm start` (its default; also `--in-process`): every service in the launcher's own event loop
// and V8 heap. Each service is still the whole service (its compiled module from its own dist/
// directory, its own copy of the platform library, port, database pools, environment and Nest
// application; the services call each other over HTTP), but the packages in node_modules (Nest,
// TypeORM, Fastify, class-validator, …) are loaded, compiled and kept once instead of seven
// times: about 290 MiB for the seven at rest where a process each takes about 1,500
// (docs/performance.md, "Memory").
// What it gives up: the services' JavaScript shares one core, and an uncaught error in one of
// them stops them all (the launcher with them).
//
// An InProcessService looks like the ChildProcess the launcher spawns otherwise (pid, exitCode,
// signalCode, kill(), 'exit', 'close', stdout, stderr), so start, health gating, stop and the
// control channel treat it alike:
//   kill('SIGTERM' | 'SIGINT') → the app's graceful close (stop accepting, drain, close pools);
//   kill('SIGKILL')            → every open connection cut first, then the same close: a service
//                                sharing a process cannot be ended the way a crash ends one.
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { createRequire, enableCompileCache, setSourceMapsSupport } from 'node:module';
import path from 'node:path';
import { PassThrough } from 'node:stream';

/** The service whose code runs now: every async resource a service creates inherits it. */
const serviceScope = new AsyncLocalStorage();
/** Each running service's Nest logger (its pino logger: its log lines carry its name). */
const loggers = new Map();
/** Nest's lines of a service that has no logger yet, by service. */
const held = new Map();
let prepared = false;

/** Once per process, as a service process has it: TypeScript stack frames, the compile cache. */
function prepareProcess() {
  if (prepared) return;
  prepared = true;
  setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
  if (process.env.NODE_COMPILE_CACHE) enableCompileCache(process.env.NODE_COMPILE_CACHE);
}

/**
 * Nest's `new Logger(context)` writes through one static logger per @nestjs/common, which the
 * seven share here: each app's `useLogger` would make the last one started speak for all. Routed
 * instead: `Logger.overrideLogger(x)` called from a service's code records x as that service's
 * logger, and the static logger hands each line to the logger of the service whose code wrote it.
 */
function routeNestLogs(Logger, ConsoleLogger) {
  if (Logger.overrideLogger.routed) return;
  const install = Logger.overrideLogger.bind(Logger);
  const fallback = new ConsoleLogger();
  const route =
    (level) =>
    (...args) => {
      // @nestjs/typeorm warns when a second data source takes the default name, which would
      // override the first within one app; here each is in an app (a container) of its own
      if (level === 'warn' && args.at(-1) === 'DataSourceNameRegistry') return;
      const service = serviceScope.getStore();
      const logger = loggers.get(service);
      if (logger) logger[level](...args);
      // a service that is starting: held until its own logger is set, as Nest's buffer
      // (bufferLogs) holds them in a process of its own
      else if (service && held.has(service)) held.get(service).push([level, args]);
      else fallback[level](...args);
    };
  const levels = ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'];
  install(Object.fromEntries(levels.map((level) => [level, route(level)])));
  const override = (logger) => {
    const service = serviceScope.getStore();
    if (service && logger && typeof logger === 'object' && !Array.isArray(logger)) {
      loggers.set(service, logger);
      for (const [level, args] of held.get(service) ?? []) logger[level](...args);
      held.delete(service);
    } else {
      install(logger);
    }
  };
  override.routed = true;
  Logger.overrideLogger = override;
  // Nest's start-up buffer (bufferLogs) is one for all: the first service to flush it would
  // print the others' lines as its own; `held` above is the same buffer, one per service
  Logger.attachBuffer = () => undefined;
}

/**
 * Names and messages only: a stack would be noise (and may carry paths or SQL). A configuration
 * error lists every problem, as a service process prints it (bootstrapService).
 */
function describe(error) {
  if (Array.isArray(error?.problems)) return `Invalid configuration: ${error.problems.join('; ')}`;
  const name = error?.constructor?.name ?? 'Error';
  const message = String(error?.message ?? error)
    .split('\n')[0]
    .slice(0, 300);
  return `${name}: ${message}`;
}

export class InProcessService extends EventEmitter {
  /**
   * @param {{name: string}} svc
   * @param {Record<string, string>} env the service's environment (scripts/lib/env.mjs)
   * @param {{distDir: string}} options the service's build (dist/services/<name>)
   */
  constructor(svc, env, { distDir }) {
    super();
    prepareProcess();
    this.name = svc.name;
    this.pid = process.pid;
    this.exitCode = null;
    this.signalCode = null;
    this.app = undefined;
    this.stdout = new PassThrough();
    this.stderr = new PassThrough();
    this.closing = undefined;
    // after the caller has attached its listeners, as a process's start is
    setImmediate(() => serviceScope.run(svc.name, () => void this.#start(env, distDir)));
  }

  async #start(env, distDir) {
    const load = createRequire(path.join(distDir, 'index.js'));
    const entry = `./services/${this.name}/src/${this.name}.module.js`;
    held.set(this.name, []);
    try {
      const { listenService } = load('./libs/platform/src/bootstrap/bootstrap-service.js');
      const { ConsoleLogger, Logger } = load('@nestjs/common');
      routeNestLogs(Logger, ConsoleLogger);
      const Module = Object.values(load(entry)).find((v) => typeof v?.forRoot === 'function');
      if (!Module) throw new Error(`${entry} exports no module with forRoot()`);
      // (its logger is recorded by its own `useLogger`, through routeNestLogs)
      this.app = await listenService(Module.forRoot(env), { shutdownHooks: false });
      if (this.killedBy) void this.#close(this.killedBy);
    } catch (error) {
      for (const [, args] of held.get(this.name) ?? []) this.stderr.write(`${args[0]}\n`);
      held.delete(this.name);
      this.stderr.write(`Startup failed: ${describe(error)}\n`);
      this.#exited(1, null);
    }
  }

  kill(signal = 'SIGTERM') {
    if (this.exitCode !== null || this.signalCode !== null) return false;
    this.killedBy ??= signal === 'SIGKILL' ? 'SIGKILL' : 'SIGTERM';
    if (signal === 'SIGKILL') this.app?.getHttpAdapter().getInstance().server.closeAllConnections();
    if (this.app) void this.#close(this.killedBy);
    return true;
  }

  #close(signal) {
    this.closing ??= serviceScope.run(this.name, async () => {
      try {
        await this.app.close();
      } catch (error) {
        this.stderr.write(`stop failed: ${describe(error)}\n`);
      }
      loggers.delete(this.name);
      this.#exited(signal === 'SIGKILL' ? null : 0, signal === 'SIGKILL' ? 'SIGKILL' : null);
    });
    return this.closing;
  }

  #exited(code, signal) {
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => this.emit('close', code, signal));
  }
}

export function startServiceInProcess(svc, env, options) {
  return new InProcessService(svc, env, options);
}
