import { defineConfig } from 'vitest/config';

// `npm run test:e2e`: the web app in Debian's Chromium against a running all-in-one.
// Needs /usr/bin/chromium and a built web app (`npm run build:web`); .ci/run provides both.
export default defineConfig({
  test: {
    include: ['apps/*/test/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: 'reports/e2e.json' }]],
  },
});
