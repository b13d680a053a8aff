import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FdWriter } from './fd-writer';

/**
 * FdWriter on a real non-blocking pipe (a FIFO) whose reader this test drives: generated lines
 * written while the reader reads a little, nothing, or everything, in generated turns.
 */
let dir: string;
beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'fd-writer-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RETRY_MS = 1;

/** A FIFO opened non-blocking at both ends, as fd 1 is in a service. */
function nonBlockingPipe(): { reader: number; writer: number; close(): void } {
  const fifo = path.join(dir, `fifo-${Math.random()}`);
  execFileSync('mkfifo', [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  return { reader, writer, close: () => [reader, writer].forEach(closeSync) };
}

/** Reads up to `limit` bytes that are there now (a non-blocking read stops at an empty pipe). */
function readAvailable(fd: number, limit = Infinity): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  const buffer = Buffer.alloc(16 * 1024);
  while (total < limit) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, Math.min(buffer.length, limit - total), null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
      throw error;
    }
    if (n === 0) break;
    parts.push(Buffer.from(buffer.subarray(0, n)));
    total += n;
  }
  return Buffer.concat(parts);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, RETRY_MS + 2));

const line = fc
  .oneof(
    { weight: 8, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 3000, maxLength: 9000 }) },
  )
  .map((text) => ({ text }));

/** A turn: the writer is handed some lines (one chunk), then the reader reads some bytes. */
const turn = fc.record({
  lines: fc.array(line, { maxLength: 40 }),
  read: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200_000 })),
  wait: fc.boolean(),
});

interface Written {
  i: number;
  text: string;
}

async function play(
  turns: Array<{ lines: Array<{ text: string }>; read: number; wait: boolean }>,
  maxPendingBytes: number,
): Promise<{ sent: Written[]; received: string }> {
  const pipe = nonBlockingPipe();
  const writer = new FdWriter(pipe.writer, {
    maxPendingBytes,
    droppedLine: (lines) => `${JSON.stringify({ dropped: lines })}\n`,
    retryMs: RETRY_MS,
  });
  const sent: Written[] = [];
  const received: Buffer[] = [];
  try {
    for (const { lines, read, wait } of turns) {
      const chunk = lines.map(({ text }) => {
        const written = { i: sent.length, text };
        sent.push(written);
        return `${JSON.stringify(written)}\n`;
      });
      writer.write(chunk.join(''));
      if (read > 0) received.push(readAvailable(pipe.reader, read));
      if (wait) await settle();
    }
    // the reader catches up: what was queued arrives through the retries
    for (let quiet = 0; quiet < 5;) {
      await settle();
      const got = readAvailable(pipe.reader);
      received.push(got);
      quiet = got.length === 0 ? quiet + 1 : 0;
    }
  } finally {
    pipe.close();
  }
  return { sent, received: Buffer.concat(received).toString('utf8') };
}

function linesOf(received: string): Array<Written | { dropped: number }> {
  const lines = received.split('\n');
  expect(lines.pop()).toBe('');
  return lines.map((l) => JSON.parse(l) as Written | { dropped: number });
}

describe('FdWriter on a non-blocking pipe', () => {
  it('with room to hold everything: every byte arrives, in order (generated turns)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(turn, { maxLength: 25 }), async (turns) => {
        const { sent, received } = await play(turns, 64 * 1024 * 1024);
        expect(received).toBe(sent.map((w) => `${JSON.stringify(w)}\n`).join(''));
      }),
      { numRuns: 60 },
    );
  });

  it('past the cap: whole lines in order, the rest counted as dropped (generated turns, caps)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(turn, { maxLength: 25 }),
        fc.integer({ min: 0, max: 256 * 1024 }),
        async (turns, maxPendingBytes) => {
          const { sent, received } = await play(turns, maxPendingBytes);
          const got = linesOf(received);
          const kept = got.filter((l): l is Written => 'i' in l);
          const dropped = got
            .filter((l): l is { dropped: number } => 'dropped' in l)
            .reduce((sum, l) => sum + l.dropped, 0);
          expect(kept.length + dropped).toBe(sent.length);
          kept.forEach((l, at) => {
            expect(l).toEqual(sent[l.i]);
            if (at > 0) expect(l.i).toBeGreaterThan(kept[at - 1].i);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('at exit, flushSync writes out what a full pipe held back, with the rest it is given', () => {
    const pipe = nonBlockingPipe();
    const writer = new FdWriter(pipe.writer, {
      maxPendingBytes: 64 * 1024 * 1024,
      droppedLine: () => '',
      retryMs: 60_000,
    });
    const lines = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => `${JSON.stringify({ i: from + k })}\n`).join('');
    // about 100 KiB: the pipe (64 KiB) fills, the rest waits for a retry a minute away
    const first = lines(0, 8000);
    writer.write(first);
    const got = [readAvailable(pipe.reader)];
    expect(got[0].length).toBeLessThan(Buffer.byteLength(first));
    // the reader has emptied the pipe; only flushSync can now write the queue and the rest
    const rest = lines(8000, 9000);
    writer.flushSync(rest);
    got.push(readAvailable(pipe.reader));
    pipe.close();
    expect(Buffer.concat(got).toString()).toBe(first + rest);
  });
});
