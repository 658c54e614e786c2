import { defineConfig } from 'vitest/config';

// The chart's render-content test (helm template + assertions). Run by scripts/chart/check.sh:
//   npx vitest run --config charts/glimpse/test/vitest.config.ts
export default defineConfig({
  test: {
    root: new URL('../../..', import.meta.url).pathname,
    include: ['charts/glimpse/test/**/*.chart.test.ts'],
    testTimeout: 60_000,
    reporters: ['default'],
  },
});
