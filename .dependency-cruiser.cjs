// Layer rules of docs/architecture.md ("Rules, enforced"), checked by `npm run lint:architecture`
// and by the jest suite libs/testing/architecture/architecture.spec.ts.
// Paths are relative to the repository root; `$1` in a `to` refers to the service captured in `from`.

const SERVICE_SRC = '^services/([^/]+)/src/';
// Composition roots and entry scripts sit directly in services/<svc>/src/: x.module.ts, main.ts,
// migrate.ts, seed.ts, rotate-signing-key.ts. They wire adapters, so they may see them.
const COMPOSITION = '^services/[^/]+/src/[^/]+\\.ts$';

// Node built-ins a domain may use: randomUUID for new identities. Nothing with I/O.
const PURE_CORE = '^(node:)?crypto$';

const NPM = [
  'npm',
  'npm-dev',
  'npm-optional',
  'npm-peer',
  'npm-bundled',
  'npm-no-pkg',
  'npm-unknown',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'domain/ imports only its own domain folder and @app/kernel: no framework, ORM, validator, ' +
        'HTTP client, lib or other layer.',
      severity: 'error',
      from: { path: `${SERVICE_SRC}domain/` },
      to: {
        pathNot: ['^services/$1/src/domain/', '^libs/kernel/src/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'domain-core-modules',
      comment: `domain/ may use only pure node built-ins (${PURE_CORE}).`,
      severity: 'error',
      from: { path: `${SERVICE_SRC}domain/` },
      to: { dependencyTypes: ['core'], pathNot: PURE_CORE },
    },
    {
      name: 'application-no-adapters',
      comment:
        'application/ depends on ports: no infrastructure/ or interfaces/ of its service, no ' +
        'composition root.',
      severity: 'error',
      from: { path: `${SERVICE_SRC}application/` },
      to: {
        path: ['^services/$1/src/(infrastructure|interfaces)/', '^services/$1/src/[^/]+\\.ts$'],
      },
    },
    {
      name: 'application-packages',
      comment:
        'application/ uses no ORM, database driver, HTTP client or web server: of the npm ' +
        'packages only @nestjs/common (@Injectable, Logger).',
      severity: 'error',
      from: { path: `${SERVICE_SRC}application/`, pathNot: '\\.spec\\.ts$' },
      to: { dependencyTypes: NPM, pathNot: '(^|/)node_modules/@nestjs/common/' },
    },
    {
      name: 'application-spec-packages',
      comment:
        "application/'s specs use the same packages, plus fast-check (generated cases over " +
        'in-memory fakes; no I/O).',
      severity: 'error',
      from: { path: `${SERVICE_SRC}application/.*\\.spec\\.ts$` },
      to: {
        dependencyTypes: NPM,
        pathNot: ['(^|/)node_modules/@nestjs/common/', '(^|/)node_modules/fast-check/'],
      },
    },
    {
      name: 'application-libs',
      comment:
        'application/ uses @app/kernel only (ports, errors, Money, UnitOfWork); its specs may ' +
        'also use @app/testing.',
      severity: 'error',
      from: { path: `${SERVICE_SRC}application/`, pathNot: '\\.spec\\.ts$' },
      to: { path: '^libs/', pathNot: '^libs/kernel/' },
    },
    {
      name: 'no-cross-service',
      comment:
        'A service never imports another service; it calls it over HTTP through @app/clients. ' +
        "Only e2e tests (services/<svc>/test/) may boot other services' modules.",
      severity: 'error',
      from: { path: '^services/([^/]+)/', pathNot: '^services/[^/]+/test/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'libs-no-services',
      comment: 'libs/ never import services/.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^services/' },
    },
    {
      name: 'kernel-is-standalone',
      comment:
        'libs/kernel imports nothing outside libs/kernel: no lib, no framework, no node built-in.',
      severity: 'error',
      from: { path: '^libs/kernel/' },
      to: { pathNot: '^libs/kernel/' },
    },
    {
      name: 'no-circular-in-service',
      comment:
        "No import cycle inside a service's src. Exception: TypeORM entities that refer to each " +
        "other through lazy relation callbacks (@ManyToOne(() => X)), the ORM's own idiom.",
      severity: 'error',
      from: { path: SERVICE_SRC, pathNot: '\\.orm-entity\\.ts$' },
      to: { circular: true, path: SERVICE_SRC },
    },
    {
      name: 'orm-entities-stay-in-infrastructure',
      comment:
        'TypeORM entities (*.orm-entity.ts and the infrastructure/database barrel) are imported ' +
        'only from infrastructure/ and the composition files at the root of src.',
      severity: 'error',
      from: {
        path: SERVICE_SRC,
        pathNot: [`${SERVICE_SRC}infrastructure/`, COMPOSITION],
      },
      to: {
        path: ['\\.orm-entity\\.ts$', '^services/[^/]+/src/infrastructure/database/index\\.ts$'],
      },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a broken @app alias would otherwise blind the rules above).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Not node_modules here: excluding it would drop the very imports the rules look at.
    exclude: { path: ['^dist/', '^libs/testing/architecture/fixtures/'] },
    // Type-only imports count too: a domain file must not even mention a TypeORM type.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: { text: { highlightFocused: true } },
  },
};
