import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openRedisOps } from '../../src/producer/open-redis-ops.js';
import type { RedisLadderOps } from '../../src/producer/redis-ops.js';
import { redisSource } from '../../src/config/types.js';
import { bullJobId } from '../../src/jobs/bull-job-id.js';
import { caught } from '../helpers/caught.js';
import { job, testConfig } from '../helpers/ladder.js';

/** What an enqueue writes to Redis, with no worker: the result record and the BullMQ job. */

let ops: RedisLadderOps | undefined;
const opened: Redis[] = [];

afterEach(async () => {
  await ops?.close();
  ops = undefined;
  for (const client of opened.splice(0)) client.disconnect();
});

async function open(): Promise<RedisLadderOps> {
  const config = testConfig({ levels: [{ name: 'full', targets: ['openai/gpt-4o'] }] });
  ops = await openRedisOps({ url: redisSource(config.redis), prefix: config.redis.prefix, config });
  return ops;
}

function connect(): Redis {
  const client = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  opened.push(client);
  return client;
}

/** Commands clients send that name `text`, seen with MONITOR while `work` runs. */
async function commandsNaming(text: string, work: () => Promise<unknown>): Promise<string[]> {
  const monitor = await connect().monitor();
  const marker = `marker-${text}`;
  const seen: string[] = [];
  let done = false;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (args[0]?.toLowerCase() === 'get' && args[1] === marker) done = true;
    else if (source !== 'lua' && args.some((a) => a.includes(text))) seen.push(args[0] ?? '');
  });
  await work();
  // MONITOR shows commands in the order Redis ran them: once the marker shows, so has the work.
  await connect().get(marker);
  await expect.poll(() => done, { timeout: 5_000 }).toBe(true);
  monitor.disconnect();
  return seen;
}

describe('enqueue over Redis', () => {
  it('creates the record and adds the job in one command', async () => {
    const ladder = await open();
    await ladder.enqueue(job('warm-up'));
    const id = `one-call-${Date.now()}`;
    const sent = await commandsNaming(id, () => ladder.enqueue(job('one call', { id })));
    expect(sent).toHaveLength(1);
    expect(await ladder.get(id)).toMatchObject({ id, status: 'queued', level: 1 });
    const queue = (await ladder.levelQueues()).queue('full');
    expect(await queue.getJob(bullJobId(id))).toBeTruthy();
  });

  it('never adds again a job whose record exists, even once its BullMQ job is gone', async () => {
    const ladder = await open();
    await ladder.enqueue(job('first', { id: 'done-once' }));
    const record = await ladder.get('done-once');
    await ladder.results.write({ ...record!, status: 'completed' });
    const queue = (await ladder.levelQueues()).queue('full');
    await (await queue.getJob(bullJobId('done-once')))!.remove();
    const again = await ladder.enqueue(job('second', { id: 'done-once' }));
    expect(again).toMatchObject({ id: 'done-once', created: false, status: 'completed' });
    expect(await queue.getJob(bullJobId('done-once'))).toBeUndefined();
  });

  it('leaves no record behind when the job cannot be added', async () => {
    const ladder = await open();
    const queue = (await ladder.levelQueues()).queue('full');
    // A damaged queue: its priority set is a string, so BullMQ's add fails with WRONGTYPE.
    await connect().set(queue.keys.prioritized!, 'not a sorted set');
    const error = await caught(() => ladder.enqueue(job('broken', { id: 'no-job' })));
    expect(String(error)).toMatch(/WRONGTYPE/);
    expect(await ladder.get('no-job')).toBeNull();
    const fresh = await caught(() => ladder.enqueue(job('broken too')));
    expect(String(fresh)).toMatch(/WRONGTYPE/);
    expect(await connect().keys(`${ladder.keys.prefix}:ladder:result:*`)).toEqual([]);
  });
});
