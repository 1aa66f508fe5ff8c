// Tiers by file name, each its own project: *.unit.test.ts, *.int.test.ts, *.e2e.test.ts.
const transform = {
  '^.+\\.ts$': ['@swc/jest', {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'es6' },
  }],
};
const common = {
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  testEnvironment: 'node',
  roots: ['<rootDir>/schema', '<rootDir>/subgraphs', '<rootDir>/gateway', '<rootDir>/scripts', '<rootDir>/test'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};
export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.unit.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['**/*.int.test.ts'], testTimeout: 30000 },
    { ...common, displayName: 'e2e', testMatch: ['**/*.e2e.test.ts'], testTimeout: 60000 },
  ],
};
