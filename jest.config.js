/** Jest for every workspace: TypeScript through ts-jest (type-checking is `npm run typecheck`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/collector', '<rootDir>/instrumentations', '<rootDir>/sdk', '<rootDir>/demo'],
  testMatch: ['**/*.test.ts'],
  // esModuleInterop as in tsconfig.base.json (default imports of CommonJS packages such as
  // express); isolatedModules makes ts-jest transpile file by file, without type-checking.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: { esModuleInterop: true, isolatedModules: true } }] },
  globalSetup: '<rootDir>/collector/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/collector/test/support/global-teardown.ts',
  testTimeout: 30000,
};
