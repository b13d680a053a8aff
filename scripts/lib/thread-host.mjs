// `npm start -- --threads`: every service in a worker thread of the launcher's one process
// instead of a process of its own. Each thread runs the service's whole compiled main.js
// (scripts/lib/service-thread.mjs) with its own environment, port, database pools and module
// state, and the services still call each other over HTTP; what the threads share is the node
// binary's resident pages, V8's helper threads and libuv's threadpool. docs/performance.md
// ("Memory") has the figures.
//
// A ServiceThread looks like the ChildProcess the launcher spawns otherwise (pid, exitCode,
// signalCode, kill(), 'exit', 'close', stdout, stderr), so start, health gating, stop and the
// control channel treat both alike:
//   kill('SIGTERM' | 'SIGINT') → the signal relayed as a message, the service's graceful stop;
//   kill('SIGKILL')            → worker.terminate(), what a crash is to a process.
import { EventEmitter } from 'node:events';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

const ENTRY = new URL('./service-thread.mjs', import.meta.url);

/**
 * V8 heap limits of each thread (Worker `resourceLimits`), from the environment:
 *   THREAD_YOUNG_GENERATION_MB (default 16): the young generation, where requests' short-lived
 *     objects are born. A process's own (up to 2 × 16–32 MiB semi-spaces) is resident memory the
 *     seven would pay seven times; smaller collects more often: at 32 checkout clients 6 MiB cost
 *     about 30 % more CPU per flow than 16 for 80 MiB less RSS in all (docs/performance.md).
 *   THREAD_OLD_GENERATION_MB (default 512): the cap of the old generation; a service that
 *     reaches it stops (ERR_WORKER_OUT_OF_MEMORY) and is started again, the others run on.
 */
export function threadLimits(env = process.env) {
  const mb = (name, fallback, min) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > 65536) {
      throw new Error(`${name} must be a whole number of MiB from ${min} to 65536, got "${raw}"`);
    }
    return n;
  };
  return {
    maxYoungGenerationSizeMb: mb('THREAD_YOUNG_GENERATION_MB', 16, 1),
    maxOldGenerationSizeMb: mb('THREAD_OLD_GENERATION_MB', 512, 32),
  };
}

/** Names, codes and messages only: a message is the platform's own, a stack would be noise. */
function describe(error) {
  // (not `instanceof Error`: the error was rebuilt in this thread, maybe in another realm)
  if (typeof error?.message !== 'string') return String(error).split('\n')[0].slice(0, 300);
  const code = error.code ? ` (${error.code})` : '';
  return `${error.name ?? 'Error'}${code}: ${error.message.split('\n')[0].slice(0, 300)}`;
}

export class ServiceThread extends EventEmitter {
  /**
   * @param {{name: string}} svc
   * @param {Record<string, string>} env the service's environment (scripts/lib/env.mjs)
   * @param {{entry: string, resourceLimits: object}} options
   */
  constructor(svc, env, { entry, resourceLimits }) {
    super();
    this.name = svc.name;
    this.pid = process.pid;
    this.exitCode = null;
    this.signalCode = null;
    /** the uncaught error that ended the thread, if one did */
    this.error = undefined;
    this.killedBy = undefined;
    this.worker = new Worker(ENTRY, {
      // the OS thread's name (`top -H`, /proc/<pid>/task/*/comm; cut at 15 characters)
      name: svc.name,
      env,
      workerData: { entry },
      stdout: true,
      stderr: true,
      resourceLimits,
    });
    this.threadId = this.worker.threadId;
    this.stdout = this.worker.stdout;
    this.stderr = this.worker.stderr;
    this.worker.on('error', (error) => {
      this.error = error;
      this.emit('thread-error', describe(error));
    });
    this.worker.once('exit', (code) => {
      if (this.killedBy) this.signalCode = this.killedBy;
      else this.exitCode = code;
      this.emit('exit', this.exitCode, this.signalCode);
      // 'close' as a process's: once its output is drained (its last lines printed)
      const drained = Promise.all([finished(this.stdout), finished(this.stderr)]);
      void Promise.race([drained.catch(() => undefined), sleep(1000)]).then(() =>
        this.emit('close', this.exitCode, this.signalCode),
      );
    });
  }

  kill(signal = 'SIGTERM') {
    if (this.exitCode !== null || this.signalCode !== null) return false;
    if (signal === 'SIGKILL') {
      this.killedBy = 'SIGKILL';
      void this.worker.terminate();
    } else {
      this.worker.postMessage({ type: 'platform:signal', signal });
    }
    return true;
  }

  /** CPU time of this thread (ms; not the libuv threadpool's nor V8's helper threads') and heap. */
  async usage() {
    const [cpu, heap] = await Promise.all([
      this.worker.cpuUsage(),
      this.worker.getHeapStatistics(),
    ]);
    return {
      cpuMs: (cpu.user + cpu.system) / 1000,
      heap: {
        usedKiB: Math.round(heap.used_heap_size / 1024),
        totalKiB: Math.round(heap.total_heap_size / 1024),
        physicalKiB: Math.round(heap.total_physical_size / 1024),
        externalKiB: Math.round(heap.external_memory / 1024),
        limitKiB: Math.round(heap.heap_size_limit / 1024),
      },
    };
  }
}

export function startServiceThread(svc, env, options) {
  return new ServiceThread(svc, env, options);
}
