/**
 * A jest reporter that ends the run with one plain line, `tests: N passed,
 * N failed, N skipped`, on standard output: the closing line CI reads to know
 * how many tests ran (jest's own summary, "Tests: 3 passed, 3 total", is not
 * in a form it reads). Written as the process exits, so it comes after jest's
 * summary and "Ran all test suites"; suites that failed to run count as failed.
 */
const { writeSync } = require('node:fs');

class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`;
    process.once('exit', () => writeSync(1, line));
  }
}

module.exports = ClosingLineReporter;
