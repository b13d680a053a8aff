// Process and port helpers shared by the scripts (scripts/, bench/) and the TypeScript tests
// (e2e/support, libs/testing import it through proc.d.mts; jest compiles it to CommonJS, see
// jest.config.js): prefixed line output, run-to-completion, start and health-wait, stop, whether a
// pid is alive, free ports. Node built-ins only, so that it loads the same way everywhere.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

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

/** Whether process `pid` runs (one killed but not yet reaped, a zombie, counts as gone). */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  try {
    // A zombie still answers kill(pid, 0).
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): trust kill()
  }
}

/** Whether nobody listens on 127.0.0.1:`port` now. */
export function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * The ports below the kernel's ephemeral range (which `listen(0)` and outgoing connections use):
 * a port picked there is not taken by a connection between the pick and the listen, as a
 * `listen(0)` port can be on a busy machine (a suite once failed EADDRINUSE so).
 */
function portsBelowEphemeral() {
  let ephemeralLow = 32768;
  try {
    ephemeralLow =
      Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]) ||
      ephemeralLow;
  } catch {
    /* not Linux: the usual default */
  }
  const low = 20000;
  return { low, high: Math.max(low + 100, ephemeralLow - 10) };
}

/** A port nobody listens on now, below the ephemeral range (random, checked). */
export async function freePort() {
  return freePortBlock([0], 1);
}

/**
 * A base port below the ephemeral range such that base + each of `offsets` is free (random base
 * on a multiple of `step`, checked): a stack of services on ports of its own, next to a
 * developer's.
 */
export async function freePortBlock(offsets, step = 10) {
  const { low, high } = portsBelowEphemeral();
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const base = low + step * Math.floor((Math.random() * (high - low)) / step);
    const free = await Promise.all(offsets.map((offset) => portIsFree(base + offset)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no block of ${offsets.length} free ports between ${low} and ${high}`);
}

/**
 * Spawns `node <args>` in the background: stdout appended to `stdoutFile` (else dropped), the
 * last 30 lines of stderr kept in `child.tail` to explain a failed start; `child.name` = `name`.
 */
export function startNode(name, args, { env, cwd, stdoutFile } = {}) {
  const out = stdoutFile ? openSync(stdoutFile, 'a') : 'ignore';
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', out, 'pipe'] });
  if (typeof out === 'number') closeSync(out);
  const tail = ringBuffer(30);
  let pending = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop();
    lines.forEach(tail.push);
  });
  child.name = name;
  child.tail = tail;
  return child;
}

/** Runs `node <script>` to completion, resolves with its output; shows it only when it fails. */
export function runQuiet(name, script, { env, cwd, onSpawn } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onSpawn?.(child);
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', reject);
    // 'close' (not 'exit'): fires after the output pipes are drained, so no last line is lost.
    child.on('close', (code, signal) => {
      if (code === 0) resolve(output);
      else
        reject(new Error(`${name} failed (${signal ?? `exit code ${code}`}):\n${output.trim()}`));
    });
  });
}

/** Whether GET `url` answers 200 within 2 s. */
export async function answers200(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer(); // frees the connection
    return res.status === 200;
  } catch {
    return false; // not listening yet
  }
}

/**
 * Polls GET `url` every `intervalMs` until it answers 200. Throws `exitedError()` once `child`
 * has exited (or `stopping()` says to give up), `timeoutError()` after `timeoutMs`; by default
 * they name the child and show its last output (`child.name`, `child.tail`: see startNode).
 */
export async function waitHealthy(
  child,
  url,
  {
    timeoutMs = 60_000,
    intervalMs = 200,
    stopping = () => false,
    exitedError = () =>
      new Error(
        `${child.name} exited during start (code ${child.exitCode}):\n${child.tail.text()}`,
      ),
    timeoutError = () =>
      new Error(`${child.name} not healthy at ${url} within ${timeoutMs / 1000} s`),
  } = {},
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await answers200(url))) {
    if (hasExited(child) || stopping()) throw await exitedError();
    if (Date.now() > deadline) throw timeoutError();
    await sleep(intervalMs);
  }
}

/**
 * Waits for `scripts/start.mjs` (spawned with an IPC channel) to say every service is healthy:
 * resolves with its `ready` message; rejects on `failed`, on its exit, or after `timeoutMs`.
 */
export function launcherReady(child, timeoutMs, what = 'the platform') {
  return new Promise((resolve, reject) => {
    const settle = (fn, value) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      fn(value);
    };
    const onMessage = (msg) => {
      if (msg?.type === 'ready') settle(resolve, msg);
      else if (msg?.type === 'failed')
        settle(reject, new Error(`the launcher failed: ${msg.message}`));
    };
    const onExit = (code, signal) =>
      settle(reject, new Error(`the launcher exited before ${what} was ready (${signal ?? code})`));
    const timer = setTimeout(
      () => settle(reject, new Error(`${what} was not ready within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
