import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKeys, type Keys } from '../../src/ladder/keys.js';
import type { JobResult, JobStatus } from '../../src/ladder/result.js';
import { ResultWaiter } from '../../src/results/result-waiter.js';
import { testPrefix } from '../helpers/ladder.js';
import { CountingStore, bareRecord } from './bare-records.js';

let redis: Redis;
let keys: Keys;
let store: CountingStore;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
  keys = createKeys(testPrefix());
  store = new CountingStore(redis, keys, 60);
});
afterAll(() => {
  redis.disconnect();
});

let n = 0;
function record(status: JobStatus): JobResult {
  return bareRecord(`resub-${++n}`, status);
}

/**
 * A waiter on a subscriber connection of its own, named so that a test can find and kill it, once
 * it has answered one announced record (so it is subscribed before the test's wait begins).
 */
async function openWaiter(): Promise<{
  waiter: ResultWaiter;
  subscriber: Redis;
  name: string;
}> {
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
      const answer = waiter.wait(r.id, 60_000, undefined, {
        readAfterMs: 60_000,
      });
      await killSubscriber(name);
      await finishUnannounced(r);
      expect(await answer).toMatchObject({ id: r.id, status: 'completed' });
    } finally {
      await waiter.close();
      subscriber.disconnect();
    }
  });

  it('a wait whose `before` created the job reads nothing until its announcement', async () => {
    const { waiter, subscriber } = await openWaiter();
    try {
      const r = record('queued');
      const reads = store.gets;
      const answer = await waiter.wait(r.id, 60_000, undefined, {
        before: async () => {
          await store.claim(r);
          // Announced at once, before the wait proper begins: the watch was already there.
          await store.write({
            ...r,
            status: 'completed',
            metadata: { run: 'before' },
          });
          return { created: true };
        },
      });
      expect(answer).toMatchObject({
        id: r.id,
        status: 'completed',
        metadata: { run: 'before' },
      });
      expect(store.gets).toBe(reads);
    } finally {
      await waiter.close();
      subscriber.disconnect();
    }
  });

  it('a wait whose `before` created the job still answers when the announcement was lost with the connection', async () => {
    const { waiter, subscriber, name } = await openWaiter();
    try {
      const r = record('queued');
      const answer = waiter.wait(r.id, 60_000, undefined, {
        before: async () => {
          await store.claim(r);
          await killSubscriber(name);
          await finishUnannounced(r);
          return { created: true };
        },
      });
      expect(await answer).toMatchObject({ id: r.id, status: 'completed' });
    } finally {
      await waiter.close();
      subscriber.disconnect();
    }
  });

  it('a wait whose `before` found the job already there reads it first', async () => {
    const { waiter, subscriber } = await openWaiter();
    try {
      const r = record('queued');
      await store.claim(r);
      await finishUnannounced(r);
      const answer = await waiter.wait(r.id, 60_000, undefined, {
        before: () => Promise.resolve({ created: false }),
      });
      expect(answer).toMatchObject({ id: r.id, status: 'completed' });
    } finally {
      await waiter.close();
      subscriber.disconnect();
    }
  });

  it('ends the wait with what `before` throws', async () => {
    const { waiter, subscriber } = await openWaiter();
    try {
      const r = record('queued');
      await expect(
        waiter.wait(r.id, 60_000, undefined, {
          before: () => Promise.reject(new Error('not enqueued')),
        }),
      ).rejects.toThrow('not enqueued');
    } finally {
      await waiter.close();
      subscriber.disconnect();
    }
  });
});
