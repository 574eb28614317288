/**
 * Loaded with ts-node, as on Node 20: Node 22 would load it itself as an ES module, where __dirname is not defined.
 * @jest-config-loader ts-node
 */
import type { Config } from 'jest';
import { readFileSync } from 'node:fs';

const base = JSON.parse(readFileSync(`${__dirname}/tsconfig.base.json`, 'utf8')) as {
  compilerOptions: object;
};

// ts-jest only transpiles (`npm run typecheck` checks types); @middy/* ships ESM only, so it is transformed too.
const transform: Config['transform'] = {
  '^.+\\.[tj]sx?$': [
    'ts-jest',
    { tsconfig: { ...base.compilerOptions, allowJs: true, isolatedModules: true }, diagnostics: false },
  ],
};
const common: Config = {
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  modulePathIgnorePatterns: ['<rootDir>/.local/', '/\\.serverless/', '/\\.esbuild'],
};

// The whole local cloud on :4566 for every integration and e2e test, started once for both projects (jest runs a
// global setup file once however many projects name it), and reused if `npm start` runs.
const localCloud: Config = {
  globalSetup: '<rootDir>/local-cloud/test/global-setup.ts',
  globalTeardown: '<rootDir>/local-cloud/test/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/local-cloud/test/retry-once.ts'],
};

const config: Config = {
  // A global option (projects cannot set it): integration tests wait on real emulators and serverless-offline,
  // sometimes behind a queue that other tests filled.
  testTimeout: 360_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/test/unit/**/*.test.ts'] },
    // What `osls package --stage prod` would deploy, read without AWS or the local cloud (shared/test/templates).
    { ...common, displayName: 'templates', testMatch: ['<rootDir>/**/test/templates/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/test/integration/**/*.test.ts'],
      ...localCloud,
    },
    // Stories across several services through the bus, as a customer lives them (some in headless Chromium).
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/**/test/e2e/**/*.test.ts'], ...localCloud },
  ],
};

export default config;
