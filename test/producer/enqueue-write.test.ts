import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openRedisOps } from '../../src/producer/open-redis-ops.js';
import type { RedisLadderOps } from '../../src/producer/redis-ops.js';
import { redisSource } from '../../src/config/types.js';
import { bullJobId } from '../../src/jobs/bull-job-id.js';
import { MAX_BATCH } from '../../src/producer/recorded-add.js';
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

  it('sends the enqueues of one turn and a batch of jobs in calls of MAX_BATCH', async () => {
    const ladder = await open();
    await ladder.enqueue(job('warm-up'));
    const marker = `turn-${Date.now()}`;
    const few = await commandsNaming(`${marker}-few`, () =>
      Promise.all([1, 2, 3].map((i) => ladder.enqueue(job('few', { id: `${marker}-few-${i}` })))),
    );
    expect(few).toHaveLength(1);
    const ids = Array.from({ length: 2 * MAX_BATCH + 1 }, (_, i) => `${marker}-${i}`);
    const sent = await commandsNaming(marker, () =>
      Promise.all(ids.map((id) => ladder.enqueue(job('same turn', { id })))),
    );
    expect(sent).toHaveLength(3);
    const queue = (await ladder.levelQueues()).queue('full');
    for (const id of ids) {
      expect(await ladder.get(id)).toMatchObject({ id, status: 'queued' });
      expect(await queue.getJob(bullJobId(id))).toBeTruthy();
    }
    const text = `bulk-${Date.now()}`;
    const many = 2 * MAX_BATCH + 1;
    let answers: { id: string; created: boolean }[] = [];
    const bulk = await commandsNaming(text, async () => {
      answers = await ladder.enqueueMany(Array.from({ length: many }, () => job(text)));
    });
    expect(bulk).toHaveLength(3);
    expect(answers.filter((a) => a.created)).toHaveLength(many);
    expect(await queue.getJob(bullJobId(answers[many - 1]!.id))).toBeTruthy();
  });

  it("keeps the order and priorities of one turn's jobs across its calls", async () => {
    const ladder = await open();
    const queue = (await ladder.levelQueues()).queue('full');
    // One job per agent, so each has the fair offset 0 and equal priorities keep the order sent.
    const ids = Array.from({ length: 3 * MAX_BATCH }, (_, i) => `order-${i}`);
    const urgent = 'order-urgent';
    await Promise.all([
      ...ids.map((id) => ladder.enqueue(job('order', { id, metadata: { agent: id } }))),
      ladder.enqueue(job('urgent', { id: urgent, priority: 1, metadata: { agent: urgent } })),
    ]);
    const queued = (await queue.getPrioritized()).map((j) => j.id);
    expect(queued).toEqual([urgent, ...ids].map(bullJobId));
  });

  it('answers each of many jobs in flight on its own, with its own record and job', async () => {
    const ladder = await open();
    const queue = (await ladder.levelQueues()).queue('full');
    const total = 10 * MAX_BATCH;
    // 64 lanes, each enqueuing its next job as soon as its last is answered (the bench's pool),
    // some ids already taken: answers of one call go to many callbacks within one turn.
    await ladder.enqueue(job('taken', { id: 'lanes-7' }));
    const answers = new Map<string, { id: string; created: boolean }>();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < total) {
        const id = `lanes-${next++}`;
        answers.set(id, await ladder.enqueue(job(`lane job ${id}`, { id })));
      }
    };
    await Promise.all(Array.from({ length: 64 }, lane));
    expect(answers.size).toBe(total);
    for (const [id, answer] of answers) {
      expect(answer).toMatchObject({ id, created: id !== 'lanes-7', status: 'queued' });
      const content = id === 'lanes-7' ? 'taken' : `lane job ${id}`;
      const bull = await queue.getJob(bullJobId(id));
      expect(bull?.data).toMatchObject({ id, request: { messages: [{ content }] } });
    }
    expect(await queue.getPrioritizedCount()).toBe(total);
  });

  it('answers each job of a batch on its own: created, already there, or failed with nothing left', async () => {
    const ladder = await open();
    const queue = (await ladder.levelQueues()).queue('full');
    await ladder.enqueue(job('first', { id: 'batch-done' }));
    const record = await ladder.get('batch-done');
    await ladder.results.write({ ...record!, status: 'completed' });
    await (await queue.getJob(bullJobId('batch-done')))!.remove();
    // A damaged record key (a string, not a hash): that job's claim fails with WRONGTYPE.
    await connect().set(ladder.keys.result('batch-broken'), 'not a hash');
    const settled = await Promise.allSettled(
      ['batch-new-1', 'batch-done', 'batch-broken', 'batch-new-2'].map((id) =>
        ladder.enqueue(job('batch', { id })),
      ),
    );
    const [first, done, broken, second] = settled;
    expect(first).toMatchObject({
      status: 'fulfilled',
      value: { id: 'batch-new-1', created: true },
    });
    expect(done).toMatchObject({
      status: 'fulfilled',
      value: { id: 'batch-done', created: false, status: 'completed' },
    });
    expect(broken?.status).toBe('rejected');
    expect(String((broken as PromiseRejectedResult).reason)).toMatch(/WRONGTYPE/);
    expect(second).toMatchObject({
      status: 'fulfilled',
      value: { id: 'batch-new-2', created: true },
    });
    expect(await queue.getJob(bullJobId('batch-done'))).toBeUndefined();
    expect(await queue.getJob(bullJobId('batch-broken'))).toBeUndefined();
    expect(await connect().get(ladder.keys.result('batch-broken'))).toBe('not a hash');
    for (const id of ['batch-new-1', 'batch-new-2'])
      expect(await queue.getJob(bullJobId(id))).toBeTruthy();
  });
});
