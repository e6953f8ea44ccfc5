/** What every project shares. */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/core/src', '<rootDir>/sdk-plugin/src', '<rootDir>/plugins', '<rootDir>/test'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json', 'node'],
  // Tests run the SDK from its sources; the built server loads it from sdk-plugin/dist.
  moduleNameMapper: {
    '^@jokkaer/sdk-plugin$': '<rootDir>/sdk-plugin/src/index.ts',
    '^@jokkaer/sdk-plugin/(.*)$': '<rootDir>/sdk-plugin/src/$1.ts',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { transpilation: true }] },
};

/**
 * Three tiers (README, "Developing"): unit specs (`*.spec.ts`), medium specs (`*.medium-spec.ts`: services on
 * a real PostgreSQL, no HTTP) and end-to-end tests (`test/*.e2e.ts`: the real server over the wire). One run
 * of `npm test` runs them all; `--selectProjects medium` runs one tier.
 */
/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.spec.ts'] },
    { ...shared, displayName: 'medium', testMatch: ['**/*.medium-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['**/*.e2e.ts'] },
  ],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testSequencer: '<rootDir>/test/support/sequencer.js',
  testTimeout: 30_000,
  maxWorkers: 2,
};
