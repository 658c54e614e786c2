import { defineConfig } from 'vitest/config';

// `npm run test:cluster` (scripts/cluster/test.sh): the Helm chart installed on a real
// single-node Kubernetes that the script starts, with images built locally. The files run in
// order (trial, then production) against one cluster.
export default defineConfig({
  test: {
    include: ['tests/cluster/**/*.cluster.test.ts'],
    testTimeout: 1_200_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
    sequence: { shuffle: false },
    reporters: ['default', ['json', { outputFile: 'reports/cluster.json' }]],
  },
});
