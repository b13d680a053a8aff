#!/usr/bin/env node
// Compiles every existing service with the Nest CLI (`nest build <service>`).
//   node scripts/build.mjs            build what is out of date (what `npm start` does)
//   node scripts/build.mjs --force    build everything (`npm run build`)
//   node scripts/build.mjs product    only the named services
// "Out of date": no build stamp, or a source (the service, libs/, tsconfig, nest-cli.json,
// package-lock.json) newer than the stamp written after the last successful build. A stamp is
// used rather than the .js files because incremental tsc leaves unchanged outputs untouched.
import './lib/require-node.mjs';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, SERVICES, distEntry, existingServices, hasEntry } from './lib/services.mjs';
import { pipeLines } from './lib/proc.mjs';

function stampFile(name) {
  return path.join(ROOT, 'dist', 'services', name, '.build-stamp');
}

function newestMtime(target, newest = 0) {
  let st;
  try {
    st = statSync(target);
  } catch {
    return newest;
  }
  if (!st.isDirectory()) return Math.max(newest, st.mtimeMs);
  for (const entry of readdirSync(target)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    newest = newestMtime(path.join(target, entry), newest);
  }
  return newest;
}

export function isUpToDate(name) {
  const stamp = stampFile(name);
  if (!existsSync(stamp)) return false;
  for (const entry of ['main', 'migrate', 'seed']) {
    if (hasEntry(name, entry) && !existsSync(distEntry(name, entry))) return false;
  }
  const inputs = [
    path.join(ROOT, 'services', name),
    path.join(ROOT, 'libs'),
    path.join(ROOT, 'tsconfig.base.json'),
    path.join(ROOT, 'tsconfig.json'),
    path.join(ROOT, 'nest-cli.json'),
    path.join(ROOT, 'package-lock.json'),
  ];
  const newest = inputs.reduce((acc, p) => newestMtime(p, acc), 0);
  return newest <= statSync(stamp).mtimeMs;
}

function nestBuild(name, log) {
  const nest = path.join(ROOT, 'node_modules', '.bin', 'nest');
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(nest, ['build', name], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    pipeLines(child.stdout, `${name}:build`, process.stdout);
    pipeLines(child.stderr, `${name}:build`, process.stderr);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) {
        mkdirSync(path.dirname(stampFile(name)), { recursive: true });
        writeFileSync(stampFile(name), new Date().toISOString());
        log(`build: ${name} compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        resolve();
      } else reject(new Error(`nest build ${name} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

/**
 * @param {{force?: boolean, services?: Array<{name: string}>, log?: (m: string) => void}} [opts]
 */
export async function build({
  force = false,
  services = existingServices(),
  log = console.log,
} = {}) {
  const todo = services.filter((s) => force || !isUpToDate(s.name));
  if (todo.length === 0) {
    log(`build: up to date (${services.map((s) => s.name).join(', ') || 'no services'})`);
    return;
  }
  log(`build: ${todo.map((s) => s.name).join(', ')}`);
  // tsc is CPU and memory hungry: a small pool, not one process per service.
  const width = Math.max(
    1,
    Math.min(Number(process.env.BUILD_CONCURRENCY) || 2, os.availableParallelism()),
  );
  const queue = [...todo];
  const errors = [];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let svc = queue.shift(); svc; svc = queue.shift()) {
        await nestBuild(svc.name, log).catch((err) => errors.push(err));
      }
    }),
  );
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const names = args.filter((a) => !a.startsWith('--'));
  let services = existingServices();
  if (names.length) {
    const unknown = names.filter((n) => !SERVICES.some((s) => s.name === n));
    if (unknown.length) {
      console.error(`build: unknown service(s) ${unknown.join(', ')}`);
      process.exit(2);
    }
    services = services.filter((s) => names.includes(s.name));
  }
  if (services.length === 0)
    console.log('build: no service exists yet (services/<name>/src/main.ts)');
  build({ force, services }).catch((err) => {
    console.error(`build failed: ${err.message}`);
    process.exit(1);
  });
}
