// Types of proc.mjs for the TypeScript that imports it (e2e/support, libs/testing).
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Interface } from 'node:readline';

export interface RingBuffer {
  push(line: string): void;
  text(): string;
}

/** A child started by startNode: its name and the last lines of its stderr. */
export interface NamedChild extends ChildProcess {
  name: string;
  tail: RingBuffer;
}

export function label(name: string): string;
export function pipeLines(
  stream: Readable,
  name: string,
  out: Writable,
  onLine?: (line: string) => void,
): Interface;
export function ringBuffer(size?: number): RingBuffer;
export function runNode(
  script: string,
  options: { name: string; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<void>;
export function hasExited(child: ChildProcess): boolean;
/** SIGTERM (or `signal`), then SIGKILL after `timeoutMs`; resolves once the child is gone. */
export function stopChild(
  child: ChildProcess,
  timeoutMs: number,
  signal?: NodeJS.Signals,
): Promise<{ forced: boolean }>;
/** Whether process `pid` runs (a zombie counts as gone). */
export function isAlive(pid: number): boolean;
/** Whether nobody listens on 127.0.0.1:`port` now. */
export function portIsFree(port: number): Promise<boolean>;
/** A port nobody listens on now, below the kernel's ephemeral range (random, checked). */
export function freePort(): Promise<number>;
export function freePortBlock(offsets: number[], step?: number): Promise<number>;
/** Spawns `node <args>` in the background (stdout to `stdoutFile`, stderr's tail kept). */
export function startNode(
  name: string,
  args: string[],
  options?: { env?: NodeJS.ProcessEnv; cwd?: string; stdoutFile?: string },
): NamedChild;
/** Runs `node <script>` to completion; its output, shown only in the error when it fails. */
export function runQuiet(
  name: string,
  script: string,
  options?: { env?: NodeJS.ProcessEnv; cwd?: string; onSpawn?: (child: ChildProcess) => void },
): Promise<string>;
/** Whether GET `url` answers 200 within 2 s. */
export function answers200(url: string | URL): Promise<boolean>;
/** Polls GET `url` until 200; throws when `child` exits first or after `timeoutMs`. */
export function waitHealthy(
  child: ChildProcess,
  url: string | URL,
  options?: {
    timeoutMs?: number;
    intervalMs?: number;
    stopping?: () => boolean;
    exitedError?: () => Error | Promise<Error>;
    timeoutError?: () => Error;
  },
): Promise<void>;
/** What the launcher says on its control channel once every service is healthy. */
export interface LauncherReady {
  type: 'ready';
  seconds: number;
  services: Array<{
    name: string;
    port?: number;
    pid: number;
    replicas?: number[];
    threadId?: number;
  }>;
}
/** Resolves with the launcher's `ready` message; rejects on `failed`, its exit or the timeout. */
export function launcherReady(
  child: ChildProcess,
  timeoutMs: number,
  what?: string,
): Promise<LauncherReady>;
