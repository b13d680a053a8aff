#!/usr/bin/env node
// Runs dependency-cruiser with the rules of .dependency-cruiser.cjs and prints one JSON document:
// the violations, and the resolved dependencies (so a test can check that @app aliases resolve).
// architecture.spec.ts runs it in a child process: dependency-cruiser is ESM only and jest's
// runtime here is CommonJS.
//   node libs/testing/architecture/cruise.mjs             services/ and libs/ of the repository
//   node libs/testing/architecture/cruise.mjs --fixtures  the rule fixtures, with their own tsconfig
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const fixtures = process.argv.includes('--fixtures');
const baseDir = fixtures ? path.join(here, 'fixtures') : root;

const options = await extractDepcruiseOptions(path.join(root, '.dependency-cruiser.cjs'));
options.baseDir = baseDir;
options.validate = true;
options.outputType = 'json';
if (fixtures) options.exclude = { path: '^dist/' };
const tsConfigFile = path.join(baseDir, 'tsconfig.json');
options.tsConfig = { fileName: tsConfigFile };

const started = Date.now();
const result = await cruise(
  ['services', 'libs'],
  options,
  {},
  { tsConfig: extractTSConfig(tsConfigFile) },
);
const { modules, summary } = JSON.parse(result.output);

process.stdout.write(
  JSON.stringify({
    millis: Date.now() - started,
    modules: summary.totalCruised,
    violations: summary.violations.map((v) => ({
      rule: v.rule.name,
      from: v.from,
      to: v.to,
      cycle: v.cycle?.map((step) => step.name),
    })),
    dependencies: modules.flatMap((m) =>
      m.dependencies.map((d) => ({ from: m.source, to: d.resolved, types: d.dependencyTypes })),
    ),
  }),
);
