// One jest run for every unit (*.spec.ts) and e2e (*.e2e-spec.ts) suite of every service and lib.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: '(services|libs|e2e)/.*\\.(e2e-)?spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    // the scripts' helpers (scripts/lib/proc.mjs: freePort, isAlive, ...) that the tests import
    '^.+/scripts/lib/.+\\.mjs$': ['@swc/jest', { module: { type: 'commonjs' } }],
    '^.+/node_modules/(jose|content-disposition|cockatiel)/.+\\.js$': [
      '@swc/jest',
      { module: { type: 'commonjs' } },
    ],
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
  // jose 6, cockatiel 4 and content-disposition (under @fastify/static) ship ESM only; Node 24 require()s
  // them natively in the built services, but jest's CommonJS runtime needs them compiled.
  transformIgnorePatterns: ['/node_modules/(?!(jose|content-disposition|cockatiel)/)'],
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
