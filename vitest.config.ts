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
    reporters: ['default', ['json', { outputFile: 'reports/unit.json' }]],
  },
});
