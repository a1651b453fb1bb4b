import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { buildConfig } from '../../src/config/load.js';
import { redisSource, type LadderConfig } from '../../src/config/types.js';
import type { RedisSource } from '../../src/util/redis.js';
import { openRedisOps } from '../../src/producer/open-redis-ops.js';
import type { RedisLadderOps } from '../../src/producer/redis-ops.js';
import { createLogger } from '../../src/util/log.js';
import {
  startWorkerRuntime,
  type WorkerRuntime,
  type WorkerRuntimeOptions,
} from '../../src/workers/runtime.js';
import type { FakeProvider } from './fake-provider/server.js';

/** Whether this run is against Redis Cluster (vitest.cluster.config.ts). */
export function onCluster(): boolean {
  return inject('redisNodes').length > 0;
}

/** A fresh key prefix; hash-tagged on a cluster, so each test's ladder lives in one slot. */
export function testPrefix(): string {
  const name = `t${randomUUID().slice(0, 8)}`;
  return onCluster() ? `{${name}}` : name;
}

/** The test Redis as the config's `redis:` block takes it: a URL, or the cluster's nodes. */
export function testRedisBlock(prefix: string): Record<string, unknown> {
  return onCluster()
    ? { cluster: { nodes: inject('redisNodes') }, prefix }
    : { url: inject('redisUrl'), prefix };
}

/** The test Redis as `createRedis` and `LadderClient` take it. */
export function testRedisSource(): RedisSource {
  return onCluster()
    ? { kind: 'cluster', nodes: inject('redisNodes'), tls: false }
    : inject('redisUrl');
}

/** A ladder-form config on the test Redis under a fresh prefix, providers pointed at the fake. */
export function testConfig(data: Record<string, unknown>, fake?: FakeProvider): LadderConfig {
  const providers: Record<string, unknown> = {
    ...((data.providers as Record<string, unknown>) ?? {}),
  };
  if (fake) {
    for (const name of ['anthropic', 'openai', 'google'] as const) {
      providers[name] = {
        api_key: `sk-test-${name}-secret`,
        base_url: fake.baseUrls[name],
        timeout_ms: 2_000,
        ...(providers[name] as object | undefined),
      };
    }
  }
  return buildConfig(
    {
      ...data,
      providers,
      redis: testRedisBlock(testPrefix()),
      fallback: { base_delay_ms: 5, max_delay_ms: 20, ...((data.fallback as object) ?? {}) },
    },
    { source: 'test.yaml', env: {} },
  );
}

export interface TestLadder {
  config: LadderConfig;
  runtime: WorkerRuntime;
  ops: RedisLadderOps;
  close(): Promise<void>;
}

/** Workers for every level plus a producer, in this process. */
export async function startTestLadder(
  config: LadderConfig,
  options: Omit<WorkerRuntimeOptions, 'config'> = {},
): Promise<TestLadder> {
  const logger = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
  const runtime = await startWorkerRuntime({ config, logger, ...options });
  const ops = await openRedisOps({
    url: redisSource(config.redis),
    prefix: config.redis.prefix,
    config,
  });
  return {
    config,
    runtime,
    ops,
    async close() {
      await ops.close();
      await runtime.close();
    },
  };
}

/** A one-message job. */
export function job(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { request: { messages: [{ role: 'user', content: text }], max_tokens: 64 }, ...extra };
}
