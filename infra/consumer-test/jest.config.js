/**
 * The consumer test (`pnpm test:consumer`, in .ci/run after the construct
 * library's jsii build): the packed @kmsvault/cdk in a new CDK app installed
 * with npm, synthesized with cdk-nag, and run on the local stack. Not part of
 * `pnpm test`: it needs the jsii build and the npm registry.
 * @type {import('jest').Config}
 */
const base = require('../../jest.config.js');

module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/infra/consumer-test'],
  testMatch: ['**/infra/consumer-test/*.test.ts'],
  globalSetup: undefined,
  testTimeout: 600_000,
  maxWorkers: 1,
};
