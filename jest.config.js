/**
 * One jest run over the whole workspace. TypeScript is compiled by SWC (type
 * checking is `pnpm typecheck`); jose is ESM-only, so it is transformed too.
 * @type {import('jest').Config}
 */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  // jest's summary, then one plain `tests: N passed, N failed` line for CI.
  reporters: ['default', '<rootDir>/jest/closing-line.js'],
  // Workspace packages that publish compiled JavaScript (@kmsvault/cdk) resolve to their TypeScript sources here.
  testEnvironmentOptions: { customExportConditions: ['kmsvault-source', 'node', 'node-addons'] },
  roots: ['<rootDir>/packages', '<rootDir>/infra'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // ESM-only packages, compiled to CommonJS for jest.
  transformIgnorePatterns: [
    '/node_modules/(?!(\\.pnpm/)?(jose|@seriousme\\+openapi-schema-validator|@seriousme/openapi-schema-validator)[@/])',
  ],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  setupFiles: ['<rootDir>/jest/setup-env.js'],
  // The dev stack's cloud assembly, synthesized once before the suites that run it.
  globalSetup: '<rootDir>/jest/global-setup.ts',
  // Suites start the template-driven stack in beforeAll: worker processes, DynamoDB Local, and for a custom
  // Vault an in-process synth; on a loaded 2-core machine that can take over a minute.
  testTimeout: 180_000,
  // Two cores: one worker per core; the DynamoDB Local JVM takes the rest.
  maxWorkers: 2,
};
