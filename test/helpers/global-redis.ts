import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startRedisServer, type RedisServerHandle } from './redis-server.js';
import { startRedisCluster, type RedisClusterHandle } from './redis-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** The cluster's nodes when the run is against Redis Cluster (LADDER_TEST_BACKEND=cluster). */
    redisNodes: string[];
  }
}

let server: RedisServerHandle | undefined;
let cluster: RedisClusterHandle | undefined;

/**
 * One private Redis for the whole run, unless REDIS_URL names one; tests isolate by key prefix.
 * With LADDER_TEST_BACKEND=cluster, a private Redis Cluster (three masters, one replica each)
 * instead: the same tests run against it (vitest.cluster.config.ts).
 */
export async function setup(project: TestProject): Promise<void> {
  if (process.env.LADDER_TEST_BACKEND === 'cluster') {
    cluster = await startRedisCluster();
    project.provide('redisUrl', cluster.urls[0]!);
    project.provide('redisNodes', cluster.urls);
    return;
  }
  project.provide('redisNodes', []);
  const given = process.env.REDIS_URL;
  if (given) {
    project.provide('redisUrl', given);
    return;
  }
  server = await startRedisServer();
  project.provide('redisUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.dispose();
  await cluster?.dispose();
}
