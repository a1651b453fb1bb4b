import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { LockWatch } from '../../src/workers/lock-watch.js';
import { testPrefix } from '../helpers/ladder.js';

describe('LockWatch: whether a run still holds its BullMQ job', () => {
  it('held while the lock is the run’s (and renewed), not once another token holds it; checked early once the lock may have lapsed', async () => {
    const url = inject('redisUrl');
    const prefix = testPrefix();
    const queue = new Queue('watched', { connection: { url }, prefix });
    // A worker that only hands jobs out when asked (no processor): the run's token is ours.
    const worker = new Worker('watched', null, { connection: { url }, prefix, autorun: false });
    const redis = new Redis(url);
    try {
      await queue.add('job', {}, { jobId: 'w1' });
      const job = await worker.getNextJob('run-a');
      expect(job?.id).toBe('w1');
      const lock = `${prefix}:watched:w1:lock`;
      expect(await redis.get(lock)).toBe('run-a');

      const watch = new LockWatch(job, 'run-a', 60_000);
      expect(watch.mayHaveLapsed()).toBe(false);
      await redis.pexpire(lock, 1_000);
      expect(await watch.held()).toBe(true);
      // Renewed for the lock duration as it was asked.
      expect(await redis.pttl(lock)).toBeGreaterThan(1_000);

      await redis.set(lock, 'run-b');
      expect(await watch.held()).toBe(false);
      await redis.del(lock);
      expect(await watch.held()).toBe(false);

      // Half the lock duration since the hand-out: a first call checks before it goes.
      expect(new LockWatch(job, 'run-a', 2).mayHaveLapsed()).toBe(true);
      const extendLock = job.extendLock.bind(job);
      expect(
        new LockWatch({ extendLock, processedOn: undefined }, 'run-a', 60_000).mayHaveLapsed(),
      ).toBe(true);
    } finally {
      redis.disconnect();
      await worker.close();
      await queue.close();
    }
  });
});
