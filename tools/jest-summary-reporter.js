// Prints one closing line that CI reads: `tests: N passed, N failed`.
// A test file that fails outside its tests (a crash in setup or teardown)
// counts as a failure too, so a broken suite can never read as green.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const brokenFiles = results.testResults.filter((r) => r.testExecError || (r.failureMessage && r.numFailingTests === 0)).length;
    const failed = results.numFailedTests + brokenFiles;
    process.stdout.write(`\nnode: ${process.version}\n`);
    process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${failed} failed\n`);
  }
}
