import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests run against a private Redis Cluster (three masters, one replica each) instead
 * of one server: the serving tests (enqueue, reroute, retries, floor, cache, results, idempotent
 * ids), the breaker outage, cost report, budget and API-over-Redis tests, plus the cluster's own
 * (two ladders on two masters, also served by one API; a master SIGKILLed under load, on a cluster
 * of its own; a ladder's slot migrated while jobs flow) and the several-ladders API tests. A test file joins by taking its Redis from
 * test/helpers/ladder.ts (testConfig, testRedisBlock, testRedisSource).
 */
// Read by the global setup (in this process) and by the test helpers (in the workers).
process.env.LADDER_TEST_BACKEND = 'cluster';

export default defineConfig({
  test: {
    include: [
      'test/ladder/serve.test.ts',
      'test/redis/cluster.test.ts',
      'test/ladders/ladders-api.test.ts',
      'test/redis/cluster-failover.test.ts',
      'test/redis/cluster-migration.test.ts',
      'test/cost/report.test.ts',
      'test/cost/api-report.test.ts',
      'test/cost/budget.test.ts',
      'test/api/api-redis.test.ts',
      'test/breaker-ladder/outage.test.ts',
      'test/workers/job-handoff.test.ts',
    ],
    globalSetup: ['test/helpers/global-redis.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
