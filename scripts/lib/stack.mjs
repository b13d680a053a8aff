// The steps `npm start`, `npm run migrate` and `npm run seed` share: environment, build,
// PostgreSQL, databases, and running a service's one-shot entry (migrate.js / seed.js).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { build } from '../build.mjs';
import { loadDotEnv, serviceApiKeys, serviceEnv } from './env.mjs';
import { ensureDatabases, startPostgres } from './postgres.mjs';
import { runNode } from './proc.mjs';
import { databaseKeys, recordSeeded, wasSeeded } from './seed-record.mjs';
import { ROOT, distEntry, existingServices, hasEntry } from './services.mjs';

const bullet = process.stdout.isTTY && !process.env.NO_COLOR ? '\x1b[1m›\x1b[0m' : '›';
export const log = (msg) => console.log(`${bullet} ${msg}`);

/** Environment, services, build, PostgreSQL up, databases created. */
export async function prepare({ detached = false } = {}) {
  loadDotEnv();
  // Node's on-disk cache of compiled code for every process started from here (services, seeds,
  // migrations): about a fifth less CPU to load a service's modules on later starts. Entries are
  // keyed by the files' contents, so a rebuild cannot serve stale code.
  process.env.NODE_COMPILE_CACHE ??= path.join(ROOT, '.data', 'compile-cache');
  const services = existingServices();
  if (services.length === 0) {
    throw new Error('no service exists yet (services/<name>/src/main.ts)');
  }
  await build({ services, log });
  const pg = await startPostgres({ purpose: 'dev', detached, log });
  try {
    await ensureDatabases(
      pg.adminUrl,
      services.map((s) => s.database),
      log,
    );
  } catch (err) {
    await pg.stop();
    throw err;
  }
  return { services, pg, keys: serviceApiKeys() };
}

/**
 * Runs `<entry>.js` (migrate or seed) of every service that has one, in parallel.
 * `once` (npm start's seed): not again for a database it already ran against (seed-record.mjs).
 */
export async function runEntries(entry, { services, pg, keys }, { once = false } = {}) {
  let targets = services.filter((s) => hasEntry(s.name, entry));
  const record = once
    ? await databaseKeys(
        pg.adminUrl,
        targets.map((s) => s.database),
      )
    : null;
  if (record) {
    const done = targets.filter((s) => s.database && wasSeeded(record.wanted[s.database]));
    if (done.length) {
      log(
        `${entry}: already done for ${done.map((s) => s.name).join(', ')} (\`npm run ${entry}\` runs it again)`,
      );
    }
    targets = targets.filter((s) => !done.includes(s));
    if (targets.length === 0) return;
  }
  const started = Date.now();
  const results = await Promise.allSettled(
    targets.map((svc) => {
      const script = distEntry(svc.name, entry);
      if (!existsSync(script))
        return Promise.reject(new Error(`${svc.name}: ${script} missing after build`));
      return runNode(script, {
        name: `${svc.name}:${entry}`,
        env: serviceEnv(svc, pg.adminUrl, keys),
        cwd: ROOT,
      });
    }),
  );
  const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason.message);
  if (failed.length) throw new Error(failed.join('\n'));
  if (record) {
    recordSeeded(targets.map((s) => record.wanted[s.database]).filter(Boolean), record);
  }
  if (targets.length) {
    log(
      `${entry}: ${targets.map((s) => s.name).join(', ')} done in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } else {
    log(`${entry}: no service has a src/${entry}.ts`);
  }
}

/** For the one-shot commands: prepare, run the entries in turn, stop PostgreSQL, exit code. */
export async function oneShot(entries) {
  let ctx;
  try {
    ctx = await prepare();
    for (const entry of entries) await runEntries(entry, ctx);
  } catch (err) {
    console.error(`${entries.at(-1)} failed: ${err.message}`);
    process.exitCode = 1;
  } finally {
    await ctx?.pg.stop();
  }
}
