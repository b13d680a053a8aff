// How the launcher starts the services (scripts/start.mjs, scripts/lib/cluster-primary.mjs): their
// node flags and the part of their environment that is about memory. docs/performance.md
// ("Memory") has the figures behind each choice.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The preload that turns source maps on for the platform's own code (see the file). */
export const SOURCE_MAPS = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'source-maps.cjs',
);

/**
 * node's arguments before the entry point: the source-map preload, then SERVICE_NODE_FLAGS
 * (space-separated node or V8 flags for every service process, e.g. `--max-semi-space-size=8`;
 * unset: none).
 */
export function serviceExecArgv(env = process.env) {
  const extra = (env.SERVICE_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  return ['--require', SOURCE_MAPS, ...extra];
}

/**
 * glibc malloc's settings for the one process of `npm start -- --threads` (read by glibc when
 * the process starts; musl and macOS ignore them). A value already in the environment wins (an
 * empty one: glibc's default). Not given to a process per service: there they saved about
 * 10 MiB per service, for a CPU cost within the noise of the bench (CPU is the open target).
 *   MALLOC_ARENA_MAX=2: glibc gives every thread that allocates its own arena (up to 8 per core),
 *     each keeping its freed memory: V8's compiler and GC threads, libuv's pool, OpenSSL.
 *   MALLOC_MMAP_THRESHOLD_=131072: blocks over 128 KiB get their own mapping, returned to the
 *     system when freed (glibc otherwise raises the threshold as such blocks are freed, and then
 *     keeps them in the arenas).
 */
export const MALLOC_ENV = Object.freeze({
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
});

/** `env` plus MALLOC_ENV's settings it does not have (a new object). */
export function withMallocEnv(env) {
  const out = { ...env };
  for (const [name, value] of Object.entries(MALLOC_ENV)) {
    out[name] ??= value;
  }
  return out;
}

/**
 * `npm start -- --threads`: the services run in this process, which glibc set up before any of
 * our code ran; so when MALLOC_ENV is not in its environment yet, the launcher replaces itself
 * (same pid, same arguments, `process.execve`) with a node that has it. Not done when there is
 * nothing to add, off Linux, or with an IPC channel (the bench, the e2e suites): execve would
 * close the channel (its descriptor is close-on-exec), so such a parent passes MALLOC_ENV in the
 * environment itself. Returns why it did not re-execute (it does not return when it does).
 */
export function reexecWithMallocEnv(env = process.env) {
  const next = withMallocEnv(env);
  const missing = Object.keys(MALLOC_ENV).filter((name) => env[name] !== next[name]);
  if (missing.length === 0) return 'set';
  if (process.platform !== 'linux' || typeof process.execve !== 'function') return 'unsupported';
  if (process.channel) return 'ipc';
  const argv = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  process.execve(process.execPath, argv, next);
  return 'failed';
}
