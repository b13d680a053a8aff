// jest globalTeardown: stops the embedded test PostgreSQL that global-setup.mjs started (if any).
// The per-suite databases were already dropped by the suites themselves.
export default async function globalTeardown() {
  const pg = globalThis.__EMBEDDED_TEST_POSTGRES__;
  if (!pg) return;
  delete globalThis.__EMBEDDED_TEST_POSTGRES__;
  await pg.stop();
  delete process.env.POSTGRES_URL;
}
