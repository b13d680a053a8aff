// Child-process helpers shared by the scripts: prefixed line output, run-to-completion, stop.
import { spawn } from 'node:child_process';
import readline from 'node:readline';

const COLORS = [36, 32, 35, 33, 34, 96, 92, 95];
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
let nextColor = 0;
const assigned = new Map();
const PREFIX_WIDTH = 16;

export function label(name) {
  const key = name.split(':')[0]; // "product:migrate" has product's colour
  if (!assigned.has(key)) assigned.set(key, COLORS[nextColor++ % COLORS.length]);
  const text = name.padEnd(PREFIX_WIDTH);
  return useColor ? `\x1b[${assigned.get(key)}m${text}|\x1b[0m` : `${text}|`;
}

/** Copies a stream line by line to `out`, each line prefixed with `name |` (LOG_PREFIX=false: as is). */
export function pipeLines(stream, name, out, onLine) {
  const raw = process.env.LOG_PREFIX === 'false';
  const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
  rl.on('line', (line) => {
    onLine?.(line);
    out.write(raw ? `${line}\n` : `${label(name)} ${line}\n`);
  });
  return rl;
}

/** Keeps the last lines of a child's output, to explain why it died. */
export function ringBuffer(size = 20) {
  const lines = [];
  return {
    push: (l) => {
      lines.push(l);
      if (lines.length > size) lines.shift();
    },
    text: () => lines.join('\n'),
  };
}

/** Runs `node <script>` to completion with prefixed output; rejects on a non-zero exit. */
export function runNode(script, { name, env, cwd }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail = ringBuffer();
    pipeLines(child.stdout, name, process.stdout, tail.push);
    pipeLines(child.stderr, name, process.stderr, tail.push);
    child.on('error', reject);
    // 'close' (not 'exit'): fires after the output pipes are drained, so the last lines are shown.
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${name} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

export function hasExited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the child is gone. */
export function stopChild(child, timeoutMs, signal = 'SIGTERM') {
  if (hasExited(child)) return Promise.resolve({ forced: false });
  return new Promise((resolve) => {
    let forced = false;
    const timer = setTimeout(() => {
      forced = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve({ forced });
    });
    child.kill(signal);
  });
}
