/**
 * The reliability suite (`pnpm test:reliability`): faults, load, hostile
 * input and concurrency against the local stack. Slower than the unit and
 * HTTP suites; CI runs it after them.
 * @type {import('jest').Config}
 */
const base = require('../jest.config.js');

module.exports = {
  ...base,
  rootDir: '..',
  roots: ['<rootDir>/reliability'],
  testMatch: ['**/reliability/**/*.test.ts'],
  testTimeout: 300_000,
  maxWorkers: 1,
};
