import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import pino from 'pino';

/** Where gathered lines go: a sonic-boom destination, a worker thread's process.stdout. */
export interface LineSink {
  write(chunk: string): unknown;
}

export interface GatherOptions {
  /** lines are handed on once they add up to this many characters ... */
  chunkChars: number;
  /** ... and at least this often, so a quiet service's last lines show promptly */
  flushEveryMs: number;
}

export interface GatheredLines extends LineSink {
  /** hands on what is held and stops gathering (a process-long logger never needs it) */
  end(): void;
}

/** The gatherers still open, each with what it does at exit: one 'exit' listener for all. */
const openAtExit = new Set<() => void>();
process.once('exit', () => {
  for (const atExit of openAtExit) atExit();
});

/**
 * Lines joined into chunks before they reach `sink`: one write system call per line cost more
 * CPU than building the line, and sonic-boom measures its whole pending text
 * (`Buffer.byteLength`) on every write it is given, so a line at a time costs it a scan of up
 * to 16 KiB per line (docs/performance.md, "Third pass: the request log's write"). At exit what
 * is left is handed to `atExit` (by default the sink; a destination there flushes
 * synchronously).
 */
export function gatherLines(
  sink: LineSink,
  { chunkChars, flushEveryMs }: GatherOptions,
  atExit: (rest: string) => void = (rest) => void sink.write(rest),
): GatheredLines {
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    sink.write(chunk);
  };
  const timer = setInterval(flush, flushEveryMs).unref();
  const exiting = () => {
    const rest = pending;
    pending = '';
    atExit(rest);
  };
  openAtExit.add(exiting);
  return {
    write(line: string) {
      pending += line;
      if (pending.length >= chunkChars) flush();
    },
    end() {
      clearInterval(timer);
      openAtExit.delete(exiting);
      flush();
    },
  };
}

/**
 * The process's stdout, gathered. On the main thread a sonic-boom destination on fd 1 written
 * synchronously, a chunk at a time: nothing is ever in flight, so nothing is lost or reordered
 * when the process ends however it ends (an asynchronous write still waiting on a full pipe is
 * dropped by `process.exit`), and a chunk costs one system call on the event loop instead of a
 * hop to libuv's threadpool. In a worker thread (`npm start -- --threads`,
 * scripts/lib/thread-host.mjs) fd 1 is the host's, shared by every service, and a destination
 * would write to it directly, past the host that prefixes each line with its service's name:
 * there the thread's process.stdout, which goes through the host (one message per chunk).
 */
export function gatheredStdout(options: GatherOptions): LineSink {
  if (!isMainThread) return gatherLines(process.stdout, options);
  const destination = pino.destination({ sync: true, minLength: 0 });
  // sonic-boom's own flag; its type leaves it out
  const ended = () => (destination as unknown as { destroyed: boolean }).destroyed;
  return gatherLines(destination, options, (rest) => {
    if (rest === '') return;
    // pino may have ended its destination when the event loop emptied ('beforeExit')
    if (ended()) writeAllSync(1, rest);
    else destination.write(rest);
  });
}

/** How long an exiting process waits for a full pipe's reader before it gives the rest up. */
const EXIT_WRITE_PATIENCE_MS = 10_000;

/**
 * `text` written whole to `fd` before the process ends: partial writes continued, a full
 * non-blocking pipe (EAGAIN) waited for, a reader that has gone (EPIPE) given up.
 */
function writeAllSync(fd: number, text: string): void {
  let rest = Buffer.from(text);
  const giveUpAt = Date.now() + EXIT_WRITE_PATIENCE_MS;
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'EAGAIN' && code !== 'EBUSY') || Date.now() > giveUpAt) return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}
