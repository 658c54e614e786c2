import { defineConfig } from 'vitest/config';

// `npm test`: the quick, self-contained tier. Everything here runs on embedded adapters
// (PGlite, filesystem storage, in-process queue) through real HTTP; no outside servers.
export default defineConfig({
  test: {
    include: ['{apps,workers,packages}/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.stack.test.ts', '**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // GLIMPSE_TEST_REPORT: another report file for a run of some of these tests alone (test:event-loop)
    reporters: ['default', ['json', { outputFile: process.env.GLIMPSE_TEST_REPORT ?? 'reports/unit.json' }]],
  },
});
