import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKeys, type Keys } from '../../src/ladder/keys.js';
import type { JobResult, JobStatus } from '../../src/ladder/result.js';
import { ResultWaiter } from '../../src/results/result-waiter.js';
import { testPrefix } from '../helpers/ladder.js';
import { CountingStore, bareRecord } from './bare-records.js';

let redis: Redis;
let subscriber: Redis;
let keys: Keys;
let store: CountingStore;
let waiter: ResultWaiter;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
  subscriber = new Redis(inject('redisUrl'));
  keys = createKeys(testPrefix());
  store = new CountingStore(redis, keys, 60);
  waiter = new ResultWaiter(subscriber, keys, store);
});
afterAll(async () => {
  await waiter.close();
  redis.disconnect();
  subscriber.disconnect();
});

let n = 0;
function record(status: JobStatus, id = `wait-${++n}`): JobResult {
  return bareRecord(id, status);
}

/** Starts a wait on a record claimed as `status`, and resolves once its first read is done. */
async function waiting(status: JobStatus): Promise<{ r: JobResult; answer: Promise<unknown> }> {
  const r = record(status);
  await store.claim(r);
  const before = store.gets;
  const answer = waiter.wait(r.id, 10_000);
  await expect.poll(() => store.gets).toBe(before + 1);
  return { r, answer };
}

describe('ResultWaiter', () => {
  it('answers with the record its announcement carries, without reading it back', async () => {
    const { r, answer } = await waiting('queued');
    const reads = store.gets;
    await store.write({ ...r, status: 'completed', metadata: { run: 'announced' } });
    expect(await answer).toMatchObject({
      id: r.id,
      status: 'completed',
      metadata: { run: 'announced' },
    });
    expect(store.gets).toBe(reads);
  });

  it('reads back a final record too long to ride on its announcement', async () => {
    const { r, answer } = await waiting('queued');
    const reads = store.gets;
    const long = 'x'.repeat(20_000);
    await store.write({ ...r, status: 'completed', metadata: { long } });
    expect(await answer).toMatchObject({ id: r.id, status: 'completed', metadata: { long } });
    expect(store.gets).toBe(reads + 1);
  });

  it('with readAfterMs, reads nothing when the announcement comes first', async () => {
    const r = record('queued');
    await store.claim(r);
    const reads = store.gets;
    const answer = waiter.wait(r.id, 10_000, undefined, { readAfterMs: 10_000 });
    await store.write({ ...r, status: 'failed' });
    expect(await answer).toMatchObject({ id: r.id, status: 'failed' });
    expect(store.gets).toBe(reads);
  });

  it('with readAfterMs, still finds a record that was final before the wait began', async () => {
    const r = record('active');
    await store.claim(r);
    await store.write({ ...r, status: 'completed' });
    const answer = waiter.wait(r.id, 10_000, undefined, { readAfterMs: 20 });
    expect(await answer).toMatchObject({ id: r.id, status: 'completed' });
  });

  it('announces a held record once released, not when held', async () => {
    const { r, answer } = await waiting('active');
    let done = false;
    void answer.then(() => (done = true));
    await store.write({ ...r, status: 'completed' }, { hold: true });
    // Announcements reach the waiter in order: once a later one is in, a held one would be too.
    const later = await waiting('active');
    await store.write({ ...later.r, status: 'failed' });
    expect(await later.answer).toMatchObject({ status: 'failed' });
    expect(done).toBe(false);
    await store.release(r.id);
    expect(await answer).toMatchObject({ id: r.id, status: 'completed' });
  });

  it("wakes a raw producer's BullMQ id once aliased, then follows its record", async () => {
    const r = record('queued');
    await store.claim(r);
    const answer = waiter.wait(`bull-${r.id}`, 10_000);
    await store.alias(`bull-${r.id}`, r.id);
    await expect.poll(() => store.get(`bull-${r.id}`)).toMatchObject({ id: r.id });
    await store.write({ ...r, status: 'completed' });
    expect(await answer).toMatchObject({ id: r.id, status: 'completed' });
  });

  it('still announces the bare id on the public results channel', async () => {
    const listener = new Redis(inject('redisUrl'));
    try {
      const heard: string[] = [];
      listener.on('message', (_channel: string, id: string) => heard.push(id));
      await listener.subscribe(keys.resultsChannel());
      const r = record('active');
      await store.claim(r);
      await store.write({ ...r, status: 'completed' });
      await expect.poll(() => heard).toEqual([r.id]);
    } finally {
      listener.disconnect();
    }
  });
});
