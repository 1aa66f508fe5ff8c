// Tiers by file name, each its own project: *.unit.test.ts, *.component.test.tsx (the web app's
// components in jsdom), *.int.test.ts, *.e2e.test.ts.
const swc = (syntax) => ['@swc/jest', {
  jsc: {
    parser: syntax === 'tsx' ? { syntax: 'typescript', tsx: true } : { syntax: 'typescript' },
    target: 'es2023',
    transform: { react: { runtime: 'automatic' } },
  },
  module: { type: 'es6' },
}];
const common = {
  transform: { '^.+\\.ts$': swc('ts'), '^.+\\.tsx$': swc('tsx') },
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  testEnvironment: 'node',
  roots: ['<rootDir>/schema', '<rootDir>/subgraphs', '<rootDir>/gateway', '<rootDir>/client', '<rootDir>/scripts', '<rootDir>/test'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};
export default {
  // A global option (projects cannot set it): room for starting a platform; e2e files set their own.
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.unit.test.ts'] },
    {
      ...common,
      displayName: 'component',
      testMatch: ['**/*.component.test.tsx'],
      testEnvironment: 'jsdom',
      // The browser builds where packages have them, CommonJS where their ESM build is not marked as such (rxjs).
      testEnvironmentOptions: { customExportConditions: ['browser', 'require', 'node', 'default'] },
      moduleNameMapper: { '\\.css$': '<rootDir>/client/test/support/style-stub.ts' },
      setupFilesAfterEnv: ['<rootDir>/client/test/support/setup.ts'],
    },
    { ...common, displayName: 'integration', testMatch: ['**/*.int.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['**/*.e2e.test.ts'] },
  ],
};
