import { transformFileSync } from '@swc/core';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * gatheredStdout in real processes: every line reaches fd 1 (a pipe, blocking or not, a file),
 * whole and in order, however the process ends, on the main thread and in a worker thread; a
 * reader that falls behind stalls nobody's event loop, and past the cap lines are dropped and
 * counted, never torn or reordered.
 */
const ROOT = path.resolve(__dirname, '../../..');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gathered-stdout-'));
  for (const name of ['gathered-stdout', 'fd-writer']) {
    const source = path.join(ROOT, `libs/platform/src/logging/${name}.ts`);
    const { code } = transformFileSync(source, {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    writeFileSync(path.join(dir, `${name}.js`), code);
  }
  writeFileSync(path.join(dir, 'writer.js'), WRITER);
  writeFileSync(
    path.join(dir, 'in-thread.js'),
    `const { Worker } = require('node:worker_threads');
     new Worker(${JSON.stringify(path.join(dir, 'writer.js'))}, { env: process.env });`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Line i's text: multi-byte, of varying length, and every 101st line longer than a pipe's atomic
 * write (4 KiB) unless SHORT (writers sharing one pipe: only short lines are whole there).
 */
const TEXT = `(i, short) =>
  !short && i % 101 === 50 ? 'ø'.repeat(2500 + (i % 3000)) : 'é€😀x'.repeat(i % 37)`;
const text = new Function(`return ${TEXT}`)() as (i: number, short: boolean) => string;

/**
 * Writes LINES lines, then ends as END says. NONBLOCK: fd 1 made non-blocking first, as it is in
 * a service (libuv does so when anything opens process.stdout on a pipe). MARKER: a file written
 * from the event loop once the first half is handed over, which a reader that waits for it shows
 * was not stalled. MAX_PENDING: the cap on bytes held for a slow reader.
 */
const WRITER = `
const { writeFileSync } = require('node:fs');
const { gatheredStdout } = require('./gathered-stdout.js');
if (process.env.NONBLOCK) void process.stdout;
const out = gatheredStdout({
  chunkChars: 4096,
  flushEveryMs: 200,
  maxPendingBytes: Number(process.env.MAX_PENDING ?? 16 * 1024 * 1024),
  droppedLine: (lines) => JSON.stringify({ dropped: lines }) + '\\n',
});
const lines = Number(process.env.LINES);
const short = Boolean(process.env.SHORT);
const text = ${TEXT};
const w = process.env.WRITER_ID;
const write = (from, to) => {
  for (let i = from; i < to; i++) out.write(JSON.stringify({ w, i, text: text(i, short) }) + '\\n');
};
const half = Math.floor(lines / 2);
write(0, half);
if (process.env.MARKER) setImmediate(() => writeFileSync(process.env.MARKER, ''));
switch (process.env.END) {
  case 'exit': write(half, lines); process.exit(0);
  case 'throw': write(half, lines); throw new Error('ended by a throw');
  case 'later': setTimeout(() => { write(half, lines); process.exit(0); }, 50); break;
  case 'idle': setTimeout(() => write(half, lines), 50); break; // the loop empties after
  default: write(half, lines); // returns: the loop empties with lines still gathered
}
`;

type Ending = 'exit' | 'throw' | 'later' | 'idle' | 'return';

/**
 * Where the writer's stdout goes. `slow-pipe`: a pipe whose reader (another process) starts
 * reading only after 300 ms, so the writer finds it full and ends before it has drained.
 * `waiting-pipe`: a pipe whose reader starts only once the writer has written MARKER from its
 * event loop (or after 10 s, and then says the marker never came).
 */
type Target = 'pipe' | 'slow-pipe' | 'waiting-pipe' | 'file';

interface RunOptions {
  end: Ending;
  lines: number;
  to: Target;
  nonBlocking?: boolean;
  maxPending?: number;
  /** this many writers share the one stdout (replicas behind one launcher) */
  writers?: number;
}

interface RunResult {
  out: string;
  code: number | null;
  /** waiting-pipe only: whether the reader found the marker before it started */
  markerSeen?: boolean;
}

const sh = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

async function run(script: string, options: RunOptions): Promise<RunResult> {
  const { end, lines, to, nonBlocking = false, maxPending, writers = 1 } = options;
  const file = path.join(dir, `out-${end}-${lines}-${Math.random()}.txt`);
  const marker = `${file}.marker`;
  const env = {
    ...process.env,
    NODE_OPTIONS: '',
    NODE_PATH: path.join(ROOT, 'node_modules'),
    END: end,
    LINES: String(lines),
    ...(nonBlocking ? { NONBLOCK: '1' } : {}),
    ...(maxPending !== undefined ? { MAX_PENDING: String(maxPending) } : {}),
    ...(writers > 1 ? { SHORT: '1' } : {}),
    ...(to === 'waiting-pipe' ? { MARKER: marker } : {}),
  };
  const writer = `${sh(process.execPath)} ${sh(path.join(dir, script))}`;
  if (to !== 'pipe' && to !== 'file') {
    const reader =
      to === 'slow-pipe'
        ? `{ sleep 0.3; cat > ${sh(file)}; }`
        : `{ for _ in $(seq 200); do [ -e ${sh(marker)} ] && break; sleep 0.05; done; ` +
          `[ -e ${sh(marker)} ] && echo seen > ${sh(`${file}.seen`)}; cat > ${sh(file)}; }`;
    // several writers: each with its id, sharing the pipe; the exit code is the first's
    const writing =
      writers === 1
        ? writer
        : `{ ${Array.from({ length: writers }, (_, w) => `WRITER_ID=${w} ${writer} & p${w}=$!;`).join(' ')} ` +
          `wait $p0; c=$?; wait; exit $c; }`;
    const line = `${writing} | ${reader}; exit \${PIPESTATUS[0]}`;
    const shell = spawn('bash', ['-c', line], { cwd: dir, env, stdio: 'ignore' });
    const [code] = (await once(shell, 'exit')) as [number | null];
    return {
      out: readFileSync(file, 'utf8'),
      code,
      markerSeen: to === 'waiting-pipe' ? existsSync(`${file}.seen`) : undefined,
    };
  }
  const fd = to === 'file' ? openSync(file, 'w') : undefined;
  const child = spawn(process.execPath, [path.join(dir, script)], {
    cwd: dir,
    env,
    stdio: ['ignore', fd ?? 'pipe', 'ignore'],
  });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  if (fd !== undefined) {
    const [code] = await exited;
    closeSync(fd);
    return { out: readFileSync(file, 'utf8'), code };
  }
  const chunks: string[] = [];
  for await (const chunk of child.stdout!.setEncoding('utf8')) chunks.push(chunk as string);
  const [code] = await exited;
  return { out: chunks.join(''), code };
}

interface Line {
  w?: string;
  i: number;
  text: string;
}

/** The output's lines, each checked to be whole JSON (a torn line fails here). */
function parsedLines(out: string): Array<Line | { dropped: number }> {
  const got = out.split('\n');
  expect(got.pop()).toBe('');
  return got.map((l) => JSON.parse(l) as Line | { dropped: number });
}

function expectAllLines(out: string, lines: number, short = false): void {
  const got = parsedLines(out) as Line[];
  expect(got).toHaveLength(lines);
  got.forEach((l, i) => {
    expect(l.i).toBe(i);
    expect(l.text).toBe(text(i, short));
  });
}

describe('gatheredStdout in a process', () => {
  const endings: Ending[] = ['return', 'exit', 'throw', 'later', 'idle'];
  const targets = [
    ['pipe', false],
    ['pipe', true],
    ['slow-pipe', false],
    ['slow-pipe', true],
    ['file', false],
  ] as const;
  const cases = endings.flatMap((end) =>
    targets.flatMap(([to, nonBlocking]) =>
      [1, 7, 3_000, 20_000].map(
        (lines) => [end, to, nonBlocking ? 'non-blocking' : 'blocking', lines] as const,
      ),
    ),
  );

  it.each(cases)(
    'main thread, ended by %s, to a %s (%s): all %i lines, in order',
    async (end, to, blocking, lines) => {
      const nonBlocking = blocking === 'non-blocking';
      const { out, code } = await run('writer.js', { end, lines, to, nonBlocking });
      expect(code).toBe(end === 'throw' ? 1 : 0);
      expectAllLines(out, lines);
    },
  );

  it.each((['return', 'exit', 'idle'] as const).map((end) => [end]))(
    'worker thread, ended by %s: all lines through the thread’s stdout',
    async (end) => {
      const { out, code } = await run('in-thread.js', { end, lines: 5_000, to: 'pipe' });
      expect(code).toBe(0);
      expectAllLines(out, 5_000);
    },
  );
});

describe('gatheredStdout with a reader that falls behind (fd 1 non-blocking, as in a service)', () => {
  it.each((['return', 'later', 'idle'] as const).map((end) => [end]))(
    'ended by %s: the event loop runs on while the pipe is full, and every line arrives',
    async (end) => {
      const result = await run('writer.js', {
        end,
        lines: 20_000,
        to: 'waiting-pipe',
        nonBlocking: true,
      });
      expect(result.markerSeen).toBe(true);
      expect(result.code).toBe(0);
      expectAllLines(result.out, 20_000);
    },
  );

  it.each([
    [16 * 1024, 3_000],
    [64 * 1024, 20_000],
    [200 * 1024, 20_000],
  ])(
    'past a cap of %i bytes held: lines dropped and counted, the rest whole and in order (%i lines)',
    async (maxPending, lines) => {
      const result = await run('writer.js', {
        end: 'later',
        lines,
        to: 'waiting-pipe',
        nonBlocking: true,
        maxPending,
      });
      expect(result.markerSeen).toBe(true);
      expect(result.code).toBe(0);
      const got = parsedLines(result.out);
      const kept = got.filter((l): l is Line => 'i' in l);
      const dropped = got
        .filter((l): l is { dropped: number } => 'dropped' in l)
        .map((l) => l.dropped);
      expect(dropped.length).toBeGreaterThan(0);
      expect(kept.length + dropped.reduce((a, b) => a + b, 0)).toBe(lines);
      kept.forEach((l, at) => {
        if (at > 0) expect(l.i).toBeGreaterThan(kept[at - 1].i);
        expect(l.text).toBe(text(l.i, false));
      });
    },
  );

  it.each([2, 4])(
    '%i processes sharing one slow pipe (replicas): no line torn, each writer’s lines in order',
    async (writers) => {
      const lines = 10_000;
      const result = await run('writer.js', {
        end: 'later',
        lines,
        to: 'slow-pipe',
        nonBlocking: true,
        writers,
      });
      expect(result.code).toBe(0);
      const got = parsedLines(result.out) as Line[];
      for (let w = 0; w < writers; w += 1) {
        const own = got.filter((l) => l.w === String(w));
        expect(own.map((l) => l.i)).toEqual(Array.from({ length: lines }, (_, i) => i));
        own.forEach((l) => expect(l.text).toBe(text(l.i, true)));
      }
      expect(got).toHaveLength(lines * writers);
    },
  );
});
