/** Jest for every workspace: TypeScript through ts-jest (type-checking is `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/collector', '<rootDir>/instrumentations', '<rootDir>/sdk', '<rootDir>/demo'],
  testMatch: ['**/*.test.ts'],
  // esModuleInterop as in tsconfig.base.json: default imports of CommonJS packages (express).
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false, tsconfig: { esModuleInterop: true } }] },
  globalSetup: '<rootDir>/collector/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/collector/test/support/global-teardown.ts',
  testTimeout: 30000,
};
