#!/usr/bin/env node
// Sums vitest JSON reports into the closing line CI reads: "N passed, N failed".
// A report that is missing counts as a failure, so a tier that silently ran nothing shows.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const path of process.argv.slice(2)) {
  if (!existsSync(path)) {
    console.log(`  ${path}: missing (the tier did not run to completion)`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(path, 'utf8'));
  const tierFailed = report.numFailedTests + (report.numFailedTestSuites ?? 0);
  console.log(`  ${path}: ${report.numPassedTests} passed, ${tierFailed} failed, ${report.numPendingTests + (report.numTodoTests ?? 0)} skipped`);
  passed += report.numPassedTests;
  failed += tierFailed;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
