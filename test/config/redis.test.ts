import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/load.js';
import { redisSource } from '../../src/config/types.js';
import { createRedis, describeRedis, duplicateRedis } from '../../src/util/redis.js';
import { configError, ladder } from './helpers.js';

describe('redis: sentinel and cluster forms', () => {
  it('redis.sentinel becomes a sentinel endpoint with host:port addresses', () => {
    const config = buildConfig(
      ladder({
        redis: {
          sentinel: {
            name: 'main',
            sentinels: ['10.0.0.1:26379', 's2:26380'],
            password: 'pw',
            sentinel_password: 'spw',
          },
        },
      }),
    );
    expect(config.redis.endpoint).toEqual({
      kind: 'sentinel',
      name: 'main',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      password: 'pw',
      sentinelPassword: 'spw',
      tls: false,
    });
    expect(redisSource(config.redis)).toBe(config.redis.endpoint);
  });

  it('redis.cluster with a hash-tagged prefix becomes a cluster endpoint', () => {
    const config = buildConfig(
      ladder({ redis: { prefix: '{team-a}', cluster: { nodes: ['redis://n1:7000', 'n2:7001'] } } }),
    );
    expect(config.redis.endpoint).toEqual({
      kind: 'cluster',
      nodes: ['redis://n1:7000', 'redis://n2:7001'],
      tls: false,
    });
  });

  it('url together with sentinel or cluster names both keys', () => {
    const error = configError(() =>
      buildConfig(
        ladder({
          redis: { url: 'redis://a:6379', sentinel: { name: 'm', sentinels: ['s:26379'] } },
        }),
      ),
    );
    expect(error.message).toContain('redis.url and redis.sentinel');
    const three = configError(() =>
      buildConfig(
        ladder({
          redis: {
            url: 'redis://a:6379',
            sentinel: { name: 'm', sentinels: ['s:26379'] },
            cluster: { nodes: ['redis://n:7000'] },
          },
        }),
      ),
    );
    expect(three.message).toContain('redis.url and redis.sentinel and redis.cluster');
  });

  it('a cluster prefix without a hash tag says which tag to use', () => {
    const error = configError(() =>
      buildConfig(ladder({ redis: { prefix: 'team-a', cluster: { nodes: ['redis://n:7000'] } } })),
    );
    expect(error.message).toContain('redis.prefix');
    expect(error.message).toContain('"{team-a}"');
    const empty = configError(() =>
      buildConfig(ladder({ redis: { prefix: '{}x', cluster: { nodes: ['redis://n:7000'] } } })),
    );
    expect(empty.message).toContain('redis.prefix');
  });

  it('bad addresses and a missing master name name their key path', () => {
    const error = configError(() =>
      buildConfig(ladder({ redis: { sentinel: { name: 'm', sentinels: ['s:26379', 'nohost'] } } })),
    );
    expect(error.message).toContain('redis.sentinel.sentinels.1: expected a sentinel address');
    const noName = configError(() =>
      buildConfig(ladder({ redis: { sentinel: { sentinels: ['s:26379'] } } })),
    );
    expect(noName.message).toContain('redis.sentinel.name');
    const noNodes = configError(() => buildConfig(ladder({ redis: { cluster: { nodes: [] } } })));
    expect(noNodes.message).toContain('redis.cluster.nodes');
  });

  it('passwords in a bad redis block are never shown', () => {
    const error = configError(() =>
      buildConfig(
        ladder({
          redis: {
            sentinel: { name: 'm', sentinels: ['s:1'], password: 42, sentinel_password: 7 },
          },
        }),
      ),
    );
    expect(error.message).toContain('redis.sentinel.password');
    expect(error.message).not.toContain('42');
  });
});

describe('redis: environment forms', () => {
  it('REDIS_SENTINELS with REDIS_SENTINEL_NAME and the passwords', () => {
    const config = buildConfig(ladder(), {
      env: {
        REDIS_SENTINELS: 's1:26379, s2:26379',
        REDIS_SENTINEL_NAME: 'main',
        REDIS_PASSWORD: 'pw',
        REDIS_SENTINEL_PASSWORD: 'spw',
      },
    });
    expect(config.redis.endpoint).toMatchObject({
      kind: 'sentinel',
      name: 'main',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      password: 'pw',
      sentinelPassword: 'spw',
    });
  });

  it('REDIS_SENTINELS without REDIS_SENTINEL_NAME names the variable', () => {
    const error = configError(() =>
      buildConfig(ladder(), { env: { REDIS_SENTINELS: 's1:26379' } }),
    );
    expect(error.message).toContain('REDIS_SENTINEL_NAME');
  });

  it('REDIS_CLUSTER_NODES, and the file wins over the environment', () => {
    const env = { REDIS_CLUSTER_NODES: 'redis://n1:7000,redis://n2:7000' };
    const config = buildConfig(ladder({ redis: { prefix: '{l}' } }), { env });
    expect(config.redis.endpoint).toEqual({
      kind: 'cluster',
      nodes: ['redis://n1:7000', 'redis://n2:7000'],
      tls: false,
    });
    const fromFile = buildConfig(ladder({ redis: { url: 'redis://cfg:6379' } }), { env });
    expect(fromFile.redis.endpoint).toBeUndefined();
    expect(fromFile.redis.url).toBe('redis://cfg:6379');
  });

  it('two forms in the environment name both variables', () => {
    const error = configError(() =>
      buildConfig(ladder({ redis: { prefix: '{l}' } }), {
        env: { REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'redis://n:7000' },
      }),
    );
    expect(error.message).toContain('REDIS_URL and REDIS_CLUSTER_NODES');
  });
});

describe('the connection factory', () => {
  it('gives a sentinel-managed Redis, a Cluster, and duplicates of the same kind', () => {
    const sentinel = createRedis(
      { kind: 'sentinel', name: 'main', sentinels: [{ host: 's1', port: 26379 }], tls: false },
      'worker',
    );
    const cluster = createRedis(
      { kind: 'cluster', nodes: ['redis://127.0.0.1:7000'], password: 'pw', tls: false },
      'producer',
    );
    const copy = duplicateRedis(cluster, { maxRetriesPerRequest: null });
    try {
      expect(sentinel).toBeInstanceOf(Redis);
      if (!(sentinel instanceof Redis)) return;
      expect(sentinel.options.name).toBe('main');
      expect(sentinel.options.failoverDetector).toBe(false);
      expect(sentinel.options.maxRetriesPerRequest).toBeNull();
      expect(describeRedis(sentinel)).toBe('Redis master "main" via sentinels s1:26379');
      expect(cluster).toBeInstanceOf(Cluster);
      expect(copy).toBeInstanceOf(Cluster);
      if (!(cluster instanceof Cluster) || !(copy instanceof Cluster)) return;
      expect(cluster.options.enableOfflineQueue).toBe(false);
      expect(cluster.options.redisOptions?.password).toBe('pw');
      expect(copy.options.redisOptions?.maxRetriesPerRequest).toBeNull();
      expect(copy.options.redisOptions?.password).toBe('pw');
      expect(describeRedis(cluster)).not.toContain('pw');
    } finally {
      sentinel.disconnect();
      cluster.disconnect();
      copy.disconnect();
    }
  });
});

describe('redis.durability', () => {
  it('async by default, replicated with its wait timeout from the file or REDIS_DURABILITY', () => {
    const plain = buildConfig(ladder(), { env: {} });
    expect(plain.redis).toMatchObject({ durability: 'async', waitTimeoutMs: 1_000 });
    const file = buildConfig(
      ladder({ redis: { durability: 'replicated', wait_timeout_ms: 250 } }),
      { env: {} },
    );
    expect(file.redis).toMatchObject({ durability: 'replicated', waitTimeoutMs: 250 });
    const env = buildConfig(ladder(), { env: { REDIS_DURABILITY: 'replicated' } });
    expect(env.redis.durability).toBe('replicated');
  });

  it('a bad mode or timeout names its key', () => {
    const mode = configError(() =>
      buildConfig(ladder({ redis: { durability: 'sync' } }), { env: {} }),
    );
    expect(mode.message).toContain('redis.durability: expected async or replicated');
    const fromEnv = configError(() =>
      buildConfig(ladder(), { env: { REDIS_DURABILITY: 'always' } }),
    );
    expect(fromEnv.message).toContain('REDIS_DURABILITY');
    const timeout = configError(() =>
      buildConfig(ladder({ redis: { wait_timeout_ms: 0 } }), { env: {} }),
    );
    expect(timeout.message).toContain('redis.wait_timeout_ms');
  });
});
