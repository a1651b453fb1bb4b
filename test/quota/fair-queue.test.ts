import { afterEach, describe, expect, inject, it } from 'vitest';
import { openRedisOps } from '../../src/producer/open-redis-ops.js';
import type { RedisLadderOps } from '../../src/producer/redis-ops.js';
import { testConfig, testPrefix } from '../helpers/ladder.js';

let ops: RedisLadderOps | undefined;
afterEach(async () => {
  await ops?.close();
  ops = undefined;
});

const job = (agent: string, n: number, priority?: number) => ({
  id: `${agent}-${n}`,
  request: { messages: [{ role: 'user', content: `${agent} ${n}` }] },
  metadata: { agent },
  ...(priority === undefined ? {} : { priority }),
});

/** The ids of a level's waiting jobs in the order BullMQ will hand them to workers. */
async function servingOrder(level: string): Promise<string[]> {
  const queue = (await ops!.levelQueues()).queue(level);
  const jobs = await queue.getJobs(['prioritized'], 0, -1, true);
  return jobs.map((j) => String((j.data as { id: string }).id));
}

describe("a level's queue is fair among agents", () => {
  it("a second agent's few jobs are served alongside a first agent's burst, not behind it", async () => {
    // No workers run: the jobs stay in the queue, in the order BullMQ will serve them.
    const config = testConfig({
      redis: { url: inject('redisUrl'), prefix: testPrefix() },
      levels: [
        { name: 'full', targets: ['simulated/m'] },
        { name: 'static', serve: 'static', message: 'limited' },
      ],
    });
    ops = await openRedisOps({ url: config.redis.url, prefix: config.redis.prefix, config });
    await ops.enqueueMany(Array.from({ length: 200 }, (_, i) => job('burst', i)));
    for (let i = 0; i < 3; i++) await ops.enqueue(job('small', i));
    await ops.enqueue(job('urgent', 0, 1));

    const order = await servingOrder('full');
    expect(order[0]).toBe('urgent-0'); // priority first
    const small = ['small-0', 'small-1', 'small-2'].map((id) => order.indexOf(id));
    expect(Math.max(...small)).toBeLessThan(10); // not behind 200 jobs
    const burst = order.filter((id) => id.startsWith('burst-'));
    expect(burst).toEqual(Array.from({ length: 200 }, (_, i) => `burst-${i}`)); // its own order kept
  });
});
