// jest globalSetup: PostgreSQL for every suite. With POSTGRES_URL set, nothing to do. Otherwise
// the project's embedded test PostgreSQL (.data/test-postgres, port EMBEDDED_TEST_POSTGRES_PORT,
// default 54330 or any free one; fsync off) is started and POSTGRES_URL is exported: jest starts
// its workers after this hook, so they inherit it. Each suite then creates and drops its own
// database on it (libs/testing: createTestDatabase). global-teardown.mjs stops the server.
import { startPostgres } from '../../../scripts/lib/postgres.mjs';

export default async function globalSetup() {
  if (process.env.POSTGRES_URL) return;
  const log = (msg) => process.stderr.write(`${msg}\n`);
  const pg = await startPostgres({ purpose: 'test', log });
  process.env.POSTGRES_URL = pg.adminUrl;
  // Read back by global-teardown.mjs, which jest runs in this same process.
  globalThis.__EMBEDDED_TEST_POSTGRES__ = pg;
}
