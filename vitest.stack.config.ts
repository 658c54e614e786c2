import { defineConfig } from 'vitest/config';

// `npm run test:stack` (scripts/stack/test.sh): the production adapters against live
// PostgreSQL, RabbitMQ, MinIO and Traefik on 127.0.0.1, and every service as its own
// process. The script starts the servers and passes their URLs in the environment.
export default defineConfig({
  test: {
    include: ['{apps,workers,packages,tests}/**/*.stack.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // The fault tests stop and restart shared servers; one file at a time.
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: 'reports/stack.json' }]],
  },
});
