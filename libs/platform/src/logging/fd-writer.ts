import { writeSync } from 'node:fs';

export interface FdWriterOptions {
  /** past this many bytes held for a reader that has fallen behind, new text is dropped */
  maxPendingBytes: number;
  /** the line written, once the reader has caught up, that says how many lines were dropped */
  droppedLine: (lines: number) => string;
  /** how soon a full pipe is tried again */
  retryMs?: number;
}

/** Writes of at most this many bytes to a pipe are atomic: replicas sharing one never interleave. */
const PIPE_BUF = 4096;
/** How long an exiting process waits for a full pipe's reader before it gives the rest up. */
const EXIT_PATIENCE_MS = 10_000;

/**
 * Text written to a file descriptor without ever stalling the event loop on a slow reader, and
 * without losing what is queued when the process ends.
 *
 * Every write is a `writeSync` on the event loop, so nothing is ever in flight in libuv's
 * threadpool and the queue below is exactly what has not reached the kernel. fd 1 is
 * non-blocking when it is a pipe (libuv makes it so as soon as anything opens process.stdout):
 * a full pipe answers EAGAIN at once, and the rest waits here and is tried again `retryMs`
 * later, where sonic-boom's synchronous mode sleeps 100 ms on the event loop. (A pipe left
 * blocking, which no service's is, makes a write wait for its reader, as Node's own stdout
 * does on a file.) At exit `flushSync` writes the queue out, waiting on a full pipe for at most
 * 10 s.
 */
export class FdWriter {
  private readonly queue: Buffer[] = [];
  private pendingBytes = 0;
  private droppedLines = 0;
  private retry: NodeJS.Timeout | undefined;
  /** the reader has gone (EPIPE) or the descriptor is unusable: nothing more is written */
  private closed = false;
  private readonly retryMs: number;

  constructor(
    private readonly fd: number,
    private readonly options: FdWriterOptions,
  ) {
    this.retryMs = options.retryMs ?? 5;
  }

  write(text: string): void {
    if (this.closed || text === '') return;
    this.enqueue(Buffer.from(text));
    if (this.retry === undefined) this.writeWhatFits();
    this.shed();
  }

  /** Everything queued (and `rest`) written before the process ends. */
  flushSync(rest = ''): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    if (this.closed) return;
    if (rest !== '') this.enqueue(Buffer.from(rest));
    const giveUpAt = Date.now() + EXIT_PATIENCE_MS;
    while (!this.writeWhatFits(false)) {
      if (this.closed || Date.now() > giveUpAt) return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }

  private enqueue(bytes: Buffer): void {
    this.queue.push(bytes);
    this.pendingBytes += bytes.length;
  }

  /**
   * Past the cap, the newest text held is dropped and its lines counted. The oldest is kept even
   * alone above the cap: it may be half written, and dropping its rest would tear a line.
   */
  private shed(): void {
    while (this.pendingBytes > this.options.maxPendingBytes && this.queue.length > 1) {
      const newest = this.queue.pop()!;
      this.pendingBytes -= newest.length;
      this.droppedLines += countLines(newest);
    }
  }

  /** Writes until the queue is empty (true) or the reader is full (false). */
  private writeWhatFits(retryLater = true): boolean {
    while (this.queue.length > 0) {
      const head = this.queue[0];
      let written: number;
      try {
        written = writeSync(this.fd, head, 0, atomicPiece(head));
      } catch (error) {
        if (!isFull(error)) {
          this.close();
          return true;
        }
        if (retryLater) this.retry = setTimeout(this.resume, this.retryMs).unref();
        return false;
      }
      this.pendingBytes -= written;
      if (written === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(written);
      if (this.queue.length === 0 && this.droppedLines > 0) {
        this.enqueue(Buffer.from(this.options.droppedLine(this.droppedLines)));
        this.droppedLines = 0;
      }
    }
    return true;
  }

  private readonly resume = () => {
    this.retry = undefined;
    this.writeWhatFits();
  };

  private close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.pendingBytes = 0;
  }
}

/** How much of `bytes` to write at once: whole lines up to PIPE_BUF, or one longer line. */
function atomicPiece(bytes: Buffer): number {
  if (bytes.length <= PIPE_BUF) return bytes.length;
  const lastEnd = bytes.lastIndexOf(0x0a, PIPE_BUF - 1);
  if (lastEnd >= 0) return lastEnd + 1;
  const firstEnd = bytes.indexOf(0x0a, PIPE_BUF);
  return firstEnd < 0 ? bytes.length : firstEnd + 1;
}

function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) lines += 1;
  return lines;
}

/** A full non-blocking pipe or socket: its reader is behind, not gone. */
function isFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EBUSY';
}
