// The thread a service runs in under `npm start -- --threads` (scripts/lib/thread-host.mjs), with
// small stand-in services (real worker threads of this jest process, no platform): the relayed
// SIGTERM reaches the service's own handler and ends only its thread; a terminate is what a
// crash is; an uncaught error and an exhausted heap end the thread, reported by name and code,
// and this process lives on; each thread has its own environment and module state, and the heap
// limits it was given.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServiceThread, threadLimits } from '../../scripts/lib/thread-host.mjs';

let dir: string;

/** A stand-in for a service's compiled main.js (CommonJS, as swc builds them). */
function entry(name: string, source: string): string {
  const file = path.join(dir, `${name}.js`);
  writeFileSync(file, source);
  return file;
}

function start(source: string, env: Record<string, string> = {}, limits = {}) {
  const file = entry(`svc-${Math.random().toString(36).slice(2)}`, source);
  const thread = new ServiceThread({ name: 'stand-in' }, env, {
    entry: file,
    resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64, ...limits },
  });
  let output = '';
  thread.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
  thread.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
  const errors: string[] = [];
  thread.on('thread-error', (text: string) => errors.push(text));
  const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    thread.once('close', (code: number | null, signal: string | null) => resolve({ code, signal })),
  );
  return { thread, closed, output: () => output, errors };
}

/** Resolves once `text` shows in the thread's output. */
async function waitFor(output: () => string, text: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" not seen; output: ${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'thread-host-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a service in a worker thread', () => {
  it('gets SIGTERM as its own handler sees it in a process, drains, and ends only its thread', async () => {
    const { thread, closed, output } = start(`
      process.on('SIGTERM', (signal) => {
        console.log('draining on ' + signal);
        setTimeout(() => { console.log('last line'); process.exit(0); }, 100);
      });
      setInterval(() => undefined, 1000);
      console.log('listening');
    `);
    await waitFor(output, 'listening');
    expect(thread.pid).toBe(process.pid);
    expect(thread.kill('SIGTERM')).toBe(true);
    expect(await closed).toEqual({ code: 0, signal: null });
    // its last lines, written just before process.exit, reached the host
    expect(output()).toContain('draining on SIGTERM');
    expect(output()).toContain('last line');
    expect(thread.kill('SIGTERM')).toBe(false); // already gone
  });

  it('with no handler of its own, ends at once on SIGTERM', async () => {
    const { thread, closed, output } = start(
      `setInterval(() => undefined, 1000); console.log('up');`,
    );
    await waitFor(output, 'up');
    thread.kill('SIGTERM');
    expect(await closed).toEqual({ code: 0, signal: null });
  });

  it('is terminated by SIGKILL, as a crash ends a process', async () => {
    const { thread, closed, output } = start(`
      process.on('SIGTERM', () => undefined); // would never stop by itself
      setInterval(() => undefined, 1000);
      console.log('up');
    `);
    await waitFor(output, 'up');
    thread.kill('SIGKILL');
    expect(await closed).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('ends with exit code 1 on an uncaught error, reported by class and message, no stack', async () => {
    const { closed, errors } = start(`
      setTimeout(() => { throw new TypeError('boom\\n    at secret (file.js:1:1)'); }, 50);
    `);
    expect(await closed).toEqual({ code: 1, signal: null });
    expect(errors).toEqual(['TypeError: boom']);
  });

  it('stops at its old-generation limit (ERR_WORKER_OUT_OF_MEMORY) while this process lives on', async () => {
    const { closed, errors } = start(
      `const kept = []; setInterval(() => { for (let i = 0; i < 1e5; i++) kept.push({ i, s: 'x' + i }); }, 1);`,
      {},
      { maxOldGenerationSizeMb: 32 },
    );
    expect((await closed).code).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/ERR_WORKER_OUT_OF_MEMORY/);
  }, 30_000);

  it('has its own environment, module state and heap limits, and reports its CPU and heap', async () => {
    const source = `
      globalThis.count = (globalThis.count ?? 0) + 1;
      console.log('ready ' + process.env.WHO + ' ' + globalThis.count + ' ' + (process.env.OTHER ?? '-'));
      setInterval(() => undefined, 1000);
    `;
    const a = start(source, { WHO: 'a', OTHER: 'only-a' });
    const b = start(source, { WHO: 'b' }, { maxOldGenerationSizeMb: 48 });
    await waitFor(a.output, 'ready');
    await waitFor(b.output, 'ready');
    expect(a.output()).toContain('ready a 1 only-a');
    expect(b.output()).toContain('ready b 1 -');
    expect(process.env.WHO).toBeUndefined();
    const [ua, ub] = await Promise.all([a.thread.usage(), b.thread.usage()]);
    expect(ua.cpuMs).toBeGreaterThan(0);
    expect(ua.heap.usedKiB).toBeGreaterThan(0);
    // the limit is the old generation's plus the young one's (and V8's rounding)
    expect(ua.heap.limitKiB).toBeGreaterThanOrEqual(64 * 1024);
    expect(ua.heap.limitKiB).toBeLessThan(80 * 1024);
    expect(ub.heap.limitKiB).toBeLessThan(ua.heap.limitKiB);
    a.thread.kill('SIGKILL');
    b.thread.kill('SIGKILL');
    await Promise.all([a.closed, b.closed]);
  });
});

describe('threadLimits', () => {
  it('reads the heap limits of each thread from the environment, with defaults', () => {
    expect(threadLimits({})).toEqual({ maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 512 });
    expect(
      threadLimits({ THREAD_YOUNG_GENERATION_MB: '16', THREAD_OLD_GENERATION_MB: '256' }),
    ).toEqual({ maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 256 });
  });

  it.each(['0', '-1', '1.5', 'lots', '99999'])(
    'refuses THREAD_YOUNG_GENERATION_MB=%s with a message naming it',
    (raw) => {
      expect(() => threadLimits({ THREAD_YOUNG_GENERATION_MB: raw })).toThrow(
        /THREAD_YOUNG_GENERATION_MB must be a whole number/,
      );
    },
  );

  it('refuses an old generation below 32 MiB', () => {
    expect(() => threadLimits({ THREAD_OLD_GENERATION_MB: '16' })).toThrow(
      /THREAD_OLD_GENERATION_MB/,
    );
  });
});
