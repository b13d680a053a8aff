import { transformFileSync } from '@swc/core';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * gatheredStdout in real processes: every line reaches fd 1 (a pipe, a file), whole and in
 * order, however the process ends, on the main thread and in a worker thread.
 */
const ROOT = path.resolve(__dirname, '../../..');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gathered-stdout-'));
  const source = path.join(ROOT, 'libs/platform/src/logging/gathered-stdout.ts');
  const { code } = transformFileSync(source, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  writeFileSync(path.join(dir, 'gathered-stdout.js'), code);
  writeFileSync(path.join(dir, 'writer.js'), WRITER);
  writeFileSync(
    path.join(dir, 'in-thread.js'),
    `const { Worker } = require('node:worker_threads');
     new Worker(${JSON.stringify(path.join(dir, 'writer.js'))}, { env: process.env });`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes LINES lines (multi-byte text, lengths that vary), then ends as END says. */
const WRITER = `
const { gatheredStdout } = require('./gathered-stdout.js');
const out = gatheredStdout({ chunkChars: 4096, flushEveryMs: 200 });
const lines = Number(process.env.LINES);
const text = (i) => 'é€😀x'.repeat(i % 37);
const write = (from, to) => {
  for (let i = from; i < to; i++) out.write(JSON.stringify({ i, text: text(i) }) + '\\n');
};
const half = Math.floor(lines / 2);
write(0, half);
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
 */
type Target = 'pipe' | 'slow-pipe' | 'file';

async function run(
  script: string,
  end: Ending,
  lines: number,
  to: Target,
): Promise<{ out: string; code: number | null }> {
  const file = path.join(dir, `out-${end}-${lines}-${Math.random()}.txt`);
  const env = {
    ...process.env,
    NODE_OPTIONS: '',
    NODE_PATH: path.join(ROOT, 'node_modules'),
    END: end,
    LINES: String(lines),
  };
  const writer = [process.execPath, path.join(dir, script)];
  if (to === 'slow-pipe') {
    // the writer's own exit code, not the reader's
    const line = `"${writer[0]}" "${writer[1]}" | { sleep 0.3; cat > "${file}"; }; exit \${PIPESTATUS[0]}`;
    const shell = spawn('bash', ['-c', line], { cwd: dir, env, stdio: 'ignore' });
    const [code] = (await once(shell, 'exit')) as [number | null];
    return { out: readFileSync(file, 'utf8'), code };
  }
  const fd = to === 'file' ? openSync(file, 'w') : undefined;
  const child = spawn(writer[0], [writer[1]], {
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

function expectAllLines(out: string, lines: number): void {
  const got = out.split('\n');
  expect(got.pop()).toBe('');
  expect(got).toHaveLength(lines);
  got.forEach((l, i) => {
    const parsed = JSON.parse(l) as { i: number; text: string };
    expect(parsed.i).toBe(i);
    expect(parsed.text).toBe('é€😀x'.repeat(i % 37));
  });
}

describe('gatheredStdout in a process', () => {
  const endings: Ending[] = ['return', 'exit', 'throw', 'later', 'idle'];
  const cases = endings.flatMap((end) =>
    (['pipe', 'slow-pipe', 'file'] as const).flatMap((to) =>
      [1, 7, 3_000, 20_000].map((lines) => [end, to, lines] as const),
    ),
  );

  it.each(cases)(
    'main thread, ended by %s, to a %s: all %i lines, in order',
    async (end, to, lines) => {
      const { out, code } = await run('writer.js', end, lines, to);
      expect(code).toBe(end === 'throw' ? 1 : 0);
      expectAllLines(out, lines);
    },
  );

  it.each((['return', 'exit', 'idle'] as const).map((end) => [end]))(
    'worker thread, ended by %s: all lines through the thread’s stdout',
    async (end) => {
      const { out, code } = await run('in-thread.js', end, 5_000, 'pipe');
      expect(code).toBe(0);
      expectAllLines(out, 5_000);
    },
  );
});
