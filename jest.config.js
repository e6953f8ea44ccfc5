/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/core/src', '<rootDir>/sdk-plugin/src', '<rootDir>/plugins', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json', 'node'],
  // Tests run the SDK from its sources; the built server loads it from sdk-plugin/dist.
  moduleNameMapper: {
    '^@jokkaer/sdk-plugin$': '<rootDir>/sdk-plugin/src/index.ts',
    '^@jokkaer/sdk-plugin/(.*)$': '<rootDir>/sdk-plugin/src/$1.ts',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { transpilation: true }] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
};
