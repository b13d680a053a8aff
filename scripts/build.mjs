#!/usr/bin/env node
// Compiles every existing service to dist/ with swc (scripts/lib/swc-compile.mjs): TypeScript to
// CommonJS without type checking, which `npm run lint` does (`tsc --noEmit`), as CI does.
//   node scripts/build.mjs            build what is out of date (what `npm start` does)
//   node scripts/build.mjs --force    build everything (`npm run build`)
//   node scripts/build.mjs product    only the named services
// "Out of date": no build stamp, or a source (the service, libs/, tsconfig, nest-cli.json,
// package-lock.json) newer than the stamp written after the last successful build.
import './lib/require-node.mjs';
import { existsSync, readdirSync, statSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, SERVICES, distEntry, existingServices, hasEntry } from './lib/services.mjs';
import { createCompiler } from './lib/swc-compile.mjs';

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

/** What every service's build reads besides its own directory (walked once per run). */
let sharedNewest;
function sharedInputsNewest() {
  sharedNewest ??= [
    path.join(ROOT, 'libs'),
    path.join(ROOT, 'tsconfig.base.json'),
    path.join(ROOT, 'tsconfig.json'),
    path.join(ROOT, 'nest-cli.json'),
    path.join(ROOT, 'package-lock.json'),
    path.join(ROOT, 'scripts', 'build.mjs'),
    path.join(ROOT, 'scripts', 'lib', 'swc-compile.mjs'),
  ].reduce((acc, p) => newestMtime(p, acc), 0);
  return sharedNewest;
}

export function isUpToDate(name) {
  const stamp = stampFile(name);
  if (!existsSync(stamp)) return false;
  for (const entry of ['main', 'migrate', 'seed']) {
    if (hasEntry(name, entry) && !existsSync(distEntry(name, entry))) return false;
  }
  const newest = newestMtime(path.join(ROOT, 'services', name), sharedInputsNewest());
  return newest <= statSync(stamp).mtimeMs;
}

/**
 * @param {{force?: boolean, services?: Array<{name: string}>, log?: (m: string) => void}} [opts]
 */
export async function build({
  force = false,
  services = existingServices(),
  log = console.log,
} = {}) {
  sharedNewest = undefined;
  const todo = services.filter((s) => force || !isUpToDate(s.name));
  if (todo.length === 0) {
    log(`build: up to date (${services.map((s) => s.name).join(', ') || 'no services'})`);
    return;
  }
  const started = Date.now();
  // one compiler for all: a lib's files are transformed once, then written into each service
  const compiler = createCompiler();
  const errors = [];
  let files = 0;
  for (const { name } of todo) {
    const outDir = path.join(ROOT, 'dist', 'services', name);
    try {
      // a fresh directory: no output left behind by a deleted source
      rmSync(outDir, { recursive: true, force: true });
      files += await compiler.buildService(name);
      mkdirSync(outDir, { recursive: true });
      writeFileSync(stampFile(name), new Date().toISOString());
    } catch (err) {
      errors.push(new Error(`${name}: ${err.message}`));
    }
  }
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  log(
    `build: ${todo.map((s) => s.name).join(', ')} compiled (swc, ${files} files) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
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
