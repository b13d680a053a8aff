// One jest run for every unit (*.spec.ts) and e2e (*.e2e-spec.ts) suite of every service and lib.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: '(services|libs|e2e)/.*\\.(e2e-)?spec\\.ts$',
  // the architecture rules' fixtures plant breaches in files named like specs; they are not tests
  testPathIgnorePatterns: ['/node_modules/', '/libs/testing/architecture/fixtures/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          keepClassNames: true,
          target: 'es2022',
        },
      },
    ],
  },
  moduleNameMapper: {
    '^@app/(contracts|platform|testing|kernel|clients)$': '<rootDir>/libs/$1/src',
    '^@app/(contracts|platform|testing|kernel|clients)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  globalSetup: '<rootDir>/libs/testing/jest/global-setup.mjs',
  globalTeardown: '<rootDir>/libs/testing/jest/global-teardown.mjs',
  // the full-stack suite (seven service processes) runs last, not beside every other suite
  testSequencer: '<rootDir>/e2e/support/sequencer.mjs',
  testTimeout: 60000,
  maxWorkers: 2,
};
