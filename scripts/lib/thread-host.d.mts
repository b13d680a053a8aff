// Types of thread-host.mjs for the TypeScript that imports it (e2e/threads).
import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';

export interface ThreadLimits {
  maxYoungGenerationSizeMb: number;
  maxOldGenerationSizeMb: number;
}

export function threadLimits(env?: NodeJS.ProcessEnv): ThreadLimits;

export interface ThreadUsage {
  cpuMs: number;
  heap: {
    usedKiB: number;
    totalKiB: number;
    physicalKiB: number;
    externalKiB: number;
    limitKiB: number;
  };
}

/** One service in a worker thread, shaped like the ChildProcess the launcher spawns otherwise. */
export class ServiceThread extends EventEmitter {
  readonly name: string;
  readonly pid: number;
  readonly threadId: number;
  exitCode: number | null;
  signalCode: NodeJS.Signals | null;
  error: unknown;
  readonly stdout: Readable;
  readonly stderr: Readable;
  constructor(
    svc: { name: string },
    env: Record<string, string | undefined>,
    options: { entry: string; resourceLimits?: Partial<ThreadLimits> },
  );
  /** SIGTERM/SIGINT: relayed to the service's own handler; SIGKILL: the thread is terminated. */
  kill(signal?: NodeJS.Signals): boolean;
  usage(): Promise<ThreadUsage>;
}

export function startServiceThread(
  svc: { name: string },
  env: Record<string, string | undefined>,
  options: { entry: string; resourceLimits?: Partial<ThreadLimits> },
): ServiceThread;
