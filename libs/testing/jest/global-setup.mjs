// jest globalSetup: PostgreSQL for every suite. With POSTGRES_URL set, nothing to do. Otherwise
// the project's embedded test PostgreSQL (.data/test-postgres, port EMBEDDED_TEST_POSTGRES_PORT,
// default 54330 or any free one; fsync off) is started and POSTGRES_URL is exported: jest starts
// its workers after this hook, so they inherit it. Each suite then creates and drops its own
// database on it (libs/testing: createTestDatabase). global-teardown.mjs stops the server.
import { startPostgres } from '../../../scripts/lib/postgres.mjs';

// NestJS 12 ships ESM only; jest loads it through Node's require(esm), which needs VM modules.
const VM_MODULES = '--experimental-vm-modules';

export default async function globalSetup() {
  const flags = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`;
  if (!flags.includes(VM_MODULES)) {
    throw new Error(
      `jest needs NODE_OPTIONS=${VM_MODULES} to load NestJS 12 (ESM only): run the suites ` +
        'with `npm test -- <paths>` (it sets it), not `npx jest`.',
    );
  }
  if (process.env.POSTGRES_URL) return;
  const log = (msg) => process.stderr.write(`${msg}\n`);
  const pg = await startPostgres({ purpose: 'test', log });
  process.env.POSTGRES_URL = pg.adminUrl;
  // Read back by global-teardown.mjs, which jest runs in this same process.
  globalThis.__EMBEDDED_TEST_POSTGRES__ = pg;
}
