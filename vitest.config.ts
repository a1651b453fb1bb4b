import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The cluster's own tests run in vitest.cluster.config.ts (npm run test:cluster).
    exclude: ['test/faults/**', 'test/redis/cluster*.test.ts', 'node_modules/**', 'dist/**'],
    globalSetup: ['test/helpers/global-redis.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
