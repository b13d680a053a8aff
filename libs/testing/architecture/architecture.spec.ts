// The layer rules of docs/architecture.md, run by `npm test`: dependency-cruiser over services/ and
// libs/ must find nothing, and over fixtures/ must find exactly the breaches planted there (so a
// rule that silently stopped matching, say after a path or alias change, fails here too).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

interface Violation {
  rule: string;
  from: string;
  to: string;
  cycle?: string[];
}

interface CruiseReport {
  millis: number;
  modules: number;
  violations: Violation[];
  dependencies: { from: string; to: string; types: string[] }[];
}

const runner = path.join(__dirname, 'cruise.mjs');

async function cruise(...args: string[]): Promise<CruiseReport> {
  const { stdout } = await promisify(execFile)(process.execPath, [runner, ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as CruiseReport;
}

// One line per violation, node_modules paths shortened to the package name.
function line(v: Violation): string {
  const to = v.to.replace(/^(\.\.\/)*node_modules\/((@[^/]+\/)?[^/]+).*$/, '$2');
  const cycle = v.cycle ? ` (cycle: ${[v.from, ...v.cycle].join(' → ')})` : '';
  return `${v.rule}: ${v.from} → ${to}${cycle}`;
}

describe('architecture rules (.dependency-cruiser.cjs)', () => {
  let real: CruiseReport;
  let fixtures: CruiseReport;

  beforeAll(async () => {
    [real, fixtures] = await Promise.all([cruise(), cruise('--fixtures')]);
  }, 30_000);

  it('services/ and libs/ break none of them', () => {
    expect(real.violations.map(line)).toEqual([]);
  });

  it('saw the code, resolved the @app aliases and left the fixtures out', () => {
    expect(real.modules).toBeGreaterThan(200);
    const domainToKernel = real.dependencies.filter(
      (d) =>
        /^services\/[^/]+\/src\/domain\//.test(d.from) &&
        d.to === 'libs/kernel/src/index.ts' &&
        d.types.includes('aliased-tsconfig-paths'),
    );
    expect(domainToKernel.length).toBeGreaterThan(0);
    expect(real.dependencies.filter((d) => d.from.includes('architecture/fixtures/'))).toEqual([]);
  });

  it('each rule catches its planted breach in fixtures/, and the allowed imports pass', () => {
    expect(fixtures.violations.map((v) => `${v.rule}: ${v.from}`).sort()).toEqual([
      'application-libs: services/shop/src/application/uses-platform.ts',
      'application-no-adapters: services/shop/src/application/uses-adapter.ts',
      'application-packages: services/shop/src/application/uses-http-client.ts',
      'application-spec-packages: services/shop/src/application/uses-http-client.spec.ts',
      'domain-core-modules: services/shop/src/domain/reads-files.ts',
      'domain-is-pure: services/shop/src/domain/orm-in-domain.ts',
      'kernel-is-standalone: libs/kernel/src/uses-framework.ts',
      'libs-no-services: libs/platform/src/uses-service.ts',
      'no-circular-in-service: services/shop/src/interfaces/cycle-a.ts',
      'no-cross-service: services/shop/src/interfaces/calls-billing.ts',
      'not-to-unresolvable: libs/platform/src/unresolvable.ts',
      'orm-entities-stay-in-infrastructure: services/shop/src/interfaces/orm-in-controller.ts',
    ]);
  });

  it('a domain file importing typeorm is reported as such', () => {
    expect(fixtures.violations.map(line)).toContain(
      'domain-is-pure: services/shop/src/domain/orm-in-domain.ts → typeorm',
    );
  });
});
