/** Jest for every workspace: TypeScript through ts-jest (type-checking is `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/collector', '<rootDir>/instrumentations', '<rootDir>/sdk', '<rootDir>/demo'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  globalSetup: '<rootDir>/collector/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/collector/test/support/global-teardown.ts',
  testTimeout: 30000,
};
