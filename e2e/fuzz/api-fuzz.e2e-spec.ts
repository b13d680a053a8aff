import path from 'node:path';
import {
  FailureGroup,
  describeGroup,
  groupFailures,
  staleKnownFailures,
  summarizeCauses,
  writeReport,
} from './failure-report';
import { Fixtures, createFixtures, initialAdminId } from './fixtures';
import { FuzzPlatform, SERVICES, ServiceName } from './fuzz-platform';
import { OpenApiDocument, Operation, operationsOf } from './openapi';
import { closeClient, send } from './raw-http';
import { Credentials, DESTRUCTIVE, Runner } from './runner';

// Property-based fuzzing of every operation of the seven services, driven by each service's own
// OpenAPI document (GET /docs-json): bad types, missing/extra/null fields, NUL and lone
// surrogates, out-of-range numbers, oversized and deeply nested bodies, over-long path
// parameters, wrong content types, with and without valid credentials. Every response must be
// < 500, problem+json when >= 400, and leak nothing. Seeded (fast-check): FUZZ_SEED replays a
// run, FUZZ_RUNS scales the random phase, FUZZ_ONLY (a regex on "<service> <METHOD> <path>")
// narrows it, FUZZ_STRICT=1 ignores known-failures.ts. See docs/testing.md.
const SEED = Number(process.env.FUZZ_SEED ?? 90_210);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10);
const ONLY = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : undefined;
const STRICT = process.env.FUZZ_STRICT === '1';
const MAX_SHOWN = 15;
const REPORT = path.join(__dirname, '../../.data/fuzz-report.json');

// payments and validation act on the open order before order's own cancel; users last: the
// victim user is deleted there
const ORDER: ServiceName[] = [
  'payment',
  'order-validation',
  'cart',
  'delivery',
  'order',
  'product',
  'user',
];

/** Reads first, state changes next, then what cancels, refunds or deletes the fixtures. */
function rank(op: Operation): number {
  if (op.method === 'DELETE') return 3;
  if (DESTRUCTIVE.test(op.path)) return 2;
  return op.method === 'GET' ? 0 : 1;
}

describe('API fuzzing of the seven services from their OpenAPI documents', () => {
  let platform: FuzzPlatform;
  let fixtures: Fixtures;
  let runner: Runner;
  const operations = new Map<ServiceName, Operation[]>();
  const started = Date.now();
  const counts: Record<string, { operations: number; requests: number }> = {};

  beforeAll(async () => {
    expect(Number.isSafeInteger(SEED)).toBe(true);
    expect(Number.isInteger(RUNS) && RUNS >= 0).toBe(true);
    process.stdout.write(
      `fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}${ONLY ? ` FUZZ_ONLY=${ONLY.source}` : ''}${STRICT ? ' FUZZ_STRICT=1' : ''}\n`,
    );
    platform = await FuzzPlatform.start();
    const adminId = await initialAdminId(platform);
    const admin = await platform.issuer.admin(adminId);
    fixtures = await createFixtures(platform, admin);
    const urls = Object.fromEntries(SERVICES.map((s) => [s, platform.url(s)])) as Record<
      ServiceName,
      string
    >;
    const { issuer } = platform;
    const credentials: Credentials = {
      admin,
      customers: {},
      expired: await issuer.mint({ role: 'admin', expiresIn: -60 }),
      async refresh() {
        this.admin = await issuer.admin(adminId);
        for (const user of [fixtures.customer, fixtures.victim]) {
          this.customers[user.id] = await issuer.customer(user.id);
        }
      },
    };
    await credentials.refresh();
    runner = new Runner(urls, fixtures, credentials, { seed: SEED, runs: RUNS });
    for (const service of SERVICES) {
      const res = await send(urls[service], { method: 'GET', path: '/docs-json', headers: {} });
      expect(res.status).toBe(200);
      const ops = operationsOf(service, JSON.parse(res.text) as OpenApiDocument);
      expect(ops.length).toBeGreaterThan(2);
      operations.set(
        service,
        ops.filter((op) => !ONLY || ONLY.test(op.key)).sort((a, b) => rank(a) - rank(b)),
      );
    }
  }, 120_000);

  afterAll(async () => {
    const groups = runner ? groupFailures(runner.outcomes, STRICT) : [];
    if (runner) {
      const statuses: Record<string, number> = {};
      const msByKind: Record<string, number> = {};
      const phases: Record<string, number> = {};
      for (const o of runner.outcomes) {
        phases[o.phase] = (phases[o.phase] ?? 0) + 1;
        statuses[o.status] = (statuses[o.status] ?? 0) + 1;
        const kind = o.mutations.length === 1 ? o.mutations[0].kind : o.phase;
        msByKind[kind] = (msByKind[kind] ?? 0) + o.ms;
      }
      writeReport(REPORT, {
        seed: SEED,
        runs: RUNS,
        only: ONLY?.source ?? null,
        strict: STRICT,
        durationMs: Date.now() - started,
        requests: runner.outcomes.length,
        phases,
        services: counts,
        statuses,
        // where the time goes (round-trip ms summed per mutation kind; random: mixed)
        msByKind: Object.fromEntries(
          Object.entries(msByKind)
            .sort((a, b) => b[1] - a[1])
            .slice(0, 15),
        ),
        failures: {
          total: groups.reduce((sum, g) => sum + g.count, 0),
          groups: groups.length,
          unlisted: groups.filter((g) => !g.known).length,
        },
        staleKnownFailures: ONLY ? null : staleKnownFailures(runner.outcomes).map((k) => k.id),
        causes: summarizeCauses(groups),
        // the credentials each secured operation accepted when asked (the rest were 401/403)
        accepted: Object.fromEntries(
          [...runner.accepted].map(([op, options]) => [op, options.map((o) => o.label)]),
        ),
        groups,
      });
      process.stdout.write(
        `fuzz: ${runner.outcomes.length} requests in ${Date.now() - started} ms, ` +
          `${groups.length} failure groups (${groups.filter((g) => !g.known).length} unlisted); report ${REPORT}\n`,
      );
    }
    closeClient();
    await platform?.stop();
  });

  it.each(ORDER)(
    '%s: no 5xx, only problem+json errors, no leaks',
    async (service) => {
      const ops = operations.get(service) ?? [];
      let requests = 0;
      for (const op of ops) await runner.probe(op);
      // a secured operation no credential opens would only ever be fuzzed at its 401
      const closed = ops.filter(
        (op) => op.security.length > 0 && !runner.accepted.get(op.key)?.length,
      );
      expect(closed.map((op) => op.key)).toEqual([]);
      for (const op of ops) requests += (await runner.sweep(op)) + (await runner.random(op));
      if (!ONLY) requests += await runner.serviceWide(service);
      counts[service] = { operations: ops.length, requests };

      const prefix = `${service} `;
      const unlisted: FailureGroup[] = groupFailures(
        runner.outcomes.filter((o) => o.op.startsWith(prefix)),
        STRICT,
      ).filter((g) => !g.known);
      if (unlisted.length > 0) {
        const shown = unlisted.slice(0, MAX_SHOWN);
        throw new Error(
          `${unlisted.length} failure group(s) not in e2e/fuzz/known-failures.ts` +
            `${STRICT ? ' (FUZZ_STRICT=1: the list is ignored)' : ''}; ` +
            `all of them in ${REPORT}:\n\n` +
            shown.map((g) => describeGroup(g, SEED)).join('\n\n') +
            (unlisted.length > shown.length
              ? `\n\n… and ${unlisted.length - shown.length} more`
              : ''),
        );
      }
    },
    300_000,
  );

  // a partial run cannot tell; strict mode ignores the list
  (ONLY || STRICT ? it.skip : it)(
    'every known failure still occurs (a fixed one must leave known-failures.ts)',
    () => {
      const stale = staleKnownFailures(runner.outcomes);
      expect(stale.map((k) => `${k.id}: ${k.cause} (${k.owner})`)).toEqual([]);
    },
  );
});
