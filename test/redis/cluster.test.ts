import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/load.js';
import { redisSource, type LadderConfig } from '../../src/config/types.js';
import { checkLadderSet } from '../../src/config/ladder-set.js';
import { LadderClient } from '../../src/producer/ladder-client.js';
import { openRedisOps } from '../../src/producer/open-redis-ops.js';
import type { RedisLadderOps } from '../../src/producer/redis-ops.js';
import { startLaddersServer } from '../../src/server/ladders-server.js';
import { createLogger } from '../../src/util/log.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/workers/runtime.js';
import { job, onCluster } from '../helpers/ladder.js';
import { startRedisCluster, type RedisClusterHandle } from '../helpers/redis-cluster.js';
import { askRedis } from '../helpers/redis-server.js';
import { createKeys } from '../../src/ladder/keys.js';
import type { JobResult } from '../../src/ladder/result.js';
import { RedisResultStore } from '../../src/results/redis-result-store.js';
import { ResultWaiter } from '../../src/results/result-waiter.js';
import { connectRedis, createRedis } from '../../src/util/redis.js';

// Its own cluster (the shared one stays whole for the other files): three masters, one replica each.
let cluster: RedisClusterHandle;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(async () => {
  await cluster.dispose();
});

interface Running {
  prefix: string;
  config: LadderConfig;
  ops: RedisLadderOps;
  runtime: WorkerRuntime;
}

function ladderConfig(prefix: string): LadderConfig {
  return buildConfig(
    {
      redis: { cluster: { nodes: cluster.urls }, prefix },
      providers: { simulated: { latency_ms: 5 } },
      levels: [
        { name: 'full', targets: ['simulated/a'] },
        { name: 'static', serve: 'static', message: 'sorry' },
      ],
      worker: { lock_duration_ms: 2_000, stalled_interval_ms: 1_000 },
    },
    { source: 'test.yaml', env: {} },
  );
}

async function start(prefix: string): Promise<Running> {
  const config = ladderConfig(prefix);
  const runtime = await startWorkerRuntime({ config, logger: createLogger('test', 'silent') });
  const ops = await openRedisOps({ url: redisSource(config.redis), prefix, config });
  return { prefix, config, ops, runtime };
}

/** Two hash tags (`{team-a<suffix>}`...) whose slots two different masters hold. */
async function tagsOnTwoMasters(suffix = ''): Promise<string[]> {
  const tags: string[] = [];
  const masters = new Set<number>();
  for (const name of ['team-a', 'team-b', 'team-c', 'team-d', 'team-e', 'team-f']) {
    const master = await cluster.masterFor(`{${name}${suffix}}`);
    if (masters.has(master.port)) continue;
    masters.add(master.port);
    tags.push(`{${name}${suffix}}`);
    if (tags.length === 2) break;
  }
  return tags;
}

/** Enqueues `n` jobs and waits for their results; answers how many completed. */
async function serve(ladder: Running, n: number, tag: string): Promise<number> {
  const answers = await Promise.all(
    Array.from({ length: n }, (_, i) => ladder.ops.enqueue(job(`${tag} ${i}`))),
  );
  const results = await Promise.all(
    answers.map((a) => ladder.ops.result(a.id, { timeoutMs: 20_000 })),
  );
  return results.filter((r) => r?.status === 'completed' && r.level === 1).length;
}

describe('Redis Cluster: one ladder per hash tag', () => {
  it('runs in the cluster suite', () => {
    expect(onCluster()).toBe(true);
  });

  it('two ladders with different hash tags land on different masters and both serve', async () => {
    const tags = await tagsOnTwoMasters();
    expect(tags).toHaveLength(2);
    const [a, b] = await Promise.all(tags.map(start));
    try {
      expect(await serve(a!, 20, 'a')).toBe(20);
      expect(await serve(b!, 20, 'b')).toBe(20);
      const keysOnMaster = async (prefix: string): Promise<number> => {
        const master = await cluster.masterFor(prefix);
        const { Redis } = await import('ioredis');
        const client = new Redis(master.url);
        try {
          return (await client.keys(`${prefix}:*`)).length;
        } finally {
          client.disconnect();
        }
      };
      // Every key of each ladder is on its own master.
      expect(await keysOnMaster(a!.prefix)).toBeGreaterThan(0);
      expect(await keysOnMaster(b!.prefix)).toBeGreaterThan(0);
    } finally {
      for (const ladder of [a, b]) {
        await ladder?.ops.close();
        await ladder?.runtime.close();
      }
    }
  });

  it('one API process serves both ladders, each under /ladders/{name}, on their own masters', async () => {
    // Other tags than the test above: its keys stay where they are.
    const tags = await tagsOnTwoMasters('-api');
    expect(tags).toHaveLength(2);
    const [a, b] = await Promise.all(tags.map(start));
    const masters = await Promise.all([a!, b!].map((l) => cluster.masterFor(l.prefix)));
    const ladders = checkLadderSet([a!.config, b!.config], { portGiven: true }).map((n, i) => ({
      ...n,
      ops: [a!, b!][i]!.ops,
    }));
    const api = await startLaddersServer({
      ladders,
      port: 0,
      logger: createLogger('test', 'silent'),
    });
    try {
      for (const [i, ladder] of ladders.entries()) {
        const client = new LadderClient({ url: `${api.url}/ladders/${ladder.name}` });
        try {
          const answers = await Promise.all(
            Array.from({ length: 10 }, (_, n) => client.enqueue(job(`${ladder.name} ${n}`))),
          );
          const results = await Promise.all(
            answers.map((answer) => client.result(answer.id, { timeoutMs: 20_000 })),
          );
          expect(results.filter((r) => r?.status === 'completed')).toHaveLength(10);
          expect(await [a!, b!][1 - i]!.ops.get(answers[0]!.id)).toBeNull();
        } finally {
          await client.close();
        }
      }
      const ready = (await (await fetch(`${api.url}/readyz`)).json()) as { status: string };
      expect(ready.status).toBe('ready');
      // The masters the two ladders' slots live on are still two.
      expect(new Set(masters.map((m) => m.port)).size).toBe(2);
    } finally {
      await api.close();
      for (const ladder of [a, b]) {
        await ladder?.ops.close();
        await ladder?.runtime.close();
      }
    }
  });
});

describe('Redis Cluster: result waits', () => {
  it('a waiter whose subscriber connection is killed still answers a job that ended meanwhile', async () => {
    const source = { kind: 'cluster' as const, nodes: cluster.urls, tls: false };
    const keys = createKeys(`resub-${Date.now()}`);
    const producer = createRedis(source, 'producer');
    const name = `resub-${Date.now()}`;
    const subscriber = createRedis(source, 'subscriber', { connectionName: name });
    await connectRedis(producer, 20_000);
    const store = new RedisResultStore(producer, keys, 60);
    const waiter = new ResultWaiter(subscriber, keys, store);
    const record = (id: string): JobResult => ({
      id,
      status: 'queued',
      level: 1,
      level_name: 'full',
      entry_level: 1,
      floor: 1,
      attempts: [],
      timing: { enqueued_at: '2026-01-01T00:00:00.000Z' },
    });
    try {
      // A first wait answered by its announcement: the waiter is subscribed from here on.
      const first = record('resub-first');
      await store.claim(first);
      const firstAnswer = waiter.wait(first.id, 20_000);
      await store.write({ ...first, status: 'completed' });
      expect(await firstAnswer).toMatchObject({ status: 'completed' });

      const r = record('resub-second');
      await store.claim(r);
      // No read of its own before an announcement: only the resubscription can end this wait.
      const answer = waiter.wait(r.id, 60_000, undefined, { readAfterMs: 60_000 });
      // ioredis subscribes on one node of its choosing, on a connection named after ours; one is
      // killed (the next, on whichever node ioredis picks then, is left alone).
      const killOne = async (): Promise<boolean> => {
        for (const node of cluster.nodes) {
          const list = await askRedis(node.port, async (c) =>
            String(await c.call('CLIENT', 'LIST', 'TYPE', 'pubsub')),
          );
          const id = list
            ?.split('\n')
            .find((line) => line.includes(name))
            ?.match(/^id=(\d+)/)?.[1];
          if (id)
            return (await askRedis(node.port, (c) => c.call('CLIENT', 'KILL', 'ID', id))) === 1;
        }
        return false;
      };
      await expect.poll(killOne).toBe(true);
      // Made final with no announcement: the one a subscriber missed while it was down is as none.
      await producer.hset(keys.result(r.id), {
        status: 'completed',
        json: JSON.stringify({ ...r, status: 'completed' }),
      });
      expect(await answer).toMatchObject({ id: r.id, status: 'completed' });
    } finally {
      await waiter.close();
      subscriber.disconnect();
      producer.disconnect();
    }
  });
});
