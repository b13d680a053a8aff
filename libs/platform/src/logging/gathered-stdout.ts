import { isMainThread } from 'node:worker_threads';
import { FdWriter, type FdWriterOptions } from './fd-writer';

/** Where gathered lines go: an FdWriter, a worker thread's process.stdout. */
export interface LineSink {
  write(chunk: string): unknown;
}

export interface GatherOptions {
  /** lines are handed on in chunks of at most this many characters (or one longer line) ... */
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
 * CPU than building the line (and sonic-boom, pino's destination, measured its whole pending
 * text on every line it was given; docs/performance.md, "Third pass: the request log's write").
 * At exit what is left is handed to `atExit` (by default the sink; the main thread's FdWriter
 * writes it out synchronously there).
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
      // a chunk stays within the size (one atomic pipe write at 4 KiB), unless one line is longer
      if (pending.length + line.length > chunkChars) flush();
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
 * The process's stdout, gathered. On the main thread an FdWriter on fd 1 (fd-writer.ts): one
 * system call per chunk on the event loop, no hop to libuv's threadpool, a slow reader never
 * stalls the loop, and what is queued is written out at exit (`process.exit`, a throw, an
 * empty loop; not a SIGKILL). In a
 * worker thread (`npm start -- --threads`, scripts/lib/thread-host.mjs) fd 1 is the host's,
 * shared by every service, and writing to it directly would go past the host that prefixes each
 * line with its service's name: there the thread's process.stdout, which goes through the host
 * (one message per chunk).
 */
export function gatheredStdout(options: GatherOptions & FdWriterOptions): LineSink {
  if (!isMainThread) return gatherLines(process.stdout, options);
  const fd1 = new FdWriter(1, options);
  return gatherLines(fd1, options, (rest) => fd1.flushSync(rest));
}
