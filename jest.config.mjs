/** One jest configuration for the whole workspace: TypeScript through swc, native ES modules. */
export default {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/test/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/bench/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironmentOptions: { customExportConditions: ['source', 'node', 'node-addons'] },
  globalSetup: '<rootDir>/db/src/testing/global-setup.mjs',
  globalTeardown: '<rootDir>/db/src/testing/global-teardown.mjs',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.mjs'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
