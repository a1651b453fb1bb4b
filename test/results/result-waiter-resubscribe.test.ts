import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKeys, type Keys } from '../../src/ladder/keys.js';
import type { JobResult, JobStatus } from '../../src/ladder/result.js';
import { RedisResultStore } from '../../src/results/redis-result-store.js';
import { ResultWaiter } from '../../src/results/result-waiter.js';
import { testPrefix } from '../helpers/ladder.js';

let redis: Redis;
let keys: Keys;
let store: RedisResultStore;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
  keys = createKeys(testPrefix());
  store = new RedisResultStore(redis, keys, 60);
});
afterAll(() => {
  redis.disconnect();
});

let n = 0;
function record(status: JobStatus): JobResult {
  return {
    id: `resub-${++n}`,
    status,
    level: 1,
    level_name: 'l1',
    entry_level: 1,
    floor: 1,
    attempts: [],
    timing: { enqueued_at: '2026-01-01T00:00:00.000Z' },
  };
}

/**
 * A waiter on a subscriber connection of its own, named so that a test can find and kill it, once
 * it has answered one announced record (so it is subscribed before the test's wait begins).
 */
async function openWaiter(): Promise<{ waiter: ResultWaiter; subscriber: Redis; name: string }> {
  const name = `waiter-${keys.resultsChannel()}-${++n}`;
  const subscriber = new Redis(inject('redisUrl'), { connectionName: name });
  subscriber.on('error', () => undefined);
  const waiter = new ResultWaiter(subscriber, keys, store);
  const first = record('queued');
  await store.claim(first);
  const answer = waiter.wait(first.id, 60_000);
  await store.write({ ...first, status: 'completed' });
  await answer;
  return { waiter, subscriber, name };
}

/** Waits until the connection named `name` is subscribed, then kills it; answers when it is. */
async function killSubscriber(name: string): Promise<void> {
  let id: string | undefined;
  await expect
    .poll(async () => {
      const list = (await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
      id = list
        .split('\n')
        .find((line) => line.includes(` name=${name} `))
        ?.match(/^id=(\d+)/)?.[1];
      return id;
    })
    .toBeDefined();
  expect(await redis.client('KILL', 'ID', String(id))).toBe(1);
}

/**
 * The record made final in Redis with no announcement: to a subscriber whose connection was down
 * when the job ended, the announcement it missed is the same as none.
 */
async function finishUnannounced(r: JobResult): Promise<void> {
  await redis.hset(keys.result(r.id), {
    status: 'completed',
    json: JSON.stringify({ ...r, status: 'completed' }),
  });
}

describe('ResultWaiter after its subscriber connection is lost', () => {
  it('reads every waited record again once subscribed again, so a job that ended meanwhile is answered', async () => {
    const { waiter, subscriber, name } = await openWaiter();
    try {
      const r = record('queued');
      await store.claim(r);
      // No read of its own before an announcement: only the resubscription can end this wait.
      const answer = waiter.wait(r.id, 60_000, undefined, { readAfterMs: 60_000 });
      await killSubscriber(name);
      await finishUnannounced(r);
      expect(await answer).toMatchObject({ id: r.id, status: 'completed' });
    } finally {
      await waiter.close();
      subscriber.disconnect();
    }
  });
});
