import { Redis } from 'ioredis';
import { Job, type IRedisTransaction, type JobJson, type Queue } from 'bullmq';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { JOB_NAME, LevelQueues } from '../../src/jobs/queues.js';
import { bullJobFields } from '../../src/producer/recorded-add.js';

/**
 * The producer hands BullMQ's addJobToTransaction the few fields of a job it reads, built
 * directly (bullJobFields), instead of `new Job(...).asJSON()`: the command BullMQ then builds
 * must be byte for byte the one it builds from its own Job.
 */

const opened: { queues: LevelQueues; redis: Redis }[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const { queues, redis } of opened.splice(0)) {
    await queues.close();
    redis.disconnect();
  }
});

function levelQueue(resultsTtlSeconds?: number): Queue {
  const redis = new Redis(inject('redisUrl'), { lazyConnect: true });
  const queues = new LevelQueues(
    redis,
    'bull-fields',
    [{ name: 'full', level: 1, targets: [] } as never],
    resultsTtlSeconds,
  );
  opened.push({ queues, redis });
  return queues.queue('full');
}

/** The script name and arguments BullMQ sends for `json`. */
function commandFor(queue: Queue, json: JobJson, jobId: string): unknown[] {
  let sent: unknown[] = [];
  const client = {
    runCommand: (name: string, args: unknown[]): Promise<unknown> => {
      sent = [name, ...args];
      return Promise.resolve(jobId);
    },
  } as unknown as IRedisTransaction;
  void queue.backend.addJobToTransaction(client, json, jobId);
  return sent;
}

describe('bullJobFields', () => {
  it.each([undefined, 30])(
    "makes BullMQ send what it sends for its own Job's asJSON (results ttl %s)",
    (ttl) => {
      const queue = levelQueue(ttl);
      const at = 1_796_226_253_493;
      vi.spyOn(Date, 'now').mockReturnValue(at);
      const data = {
        request: { messages: [{ role: 'user', content: 'hé ☃' }], max_tokens: 64 },
        id: 'j_1',
        _ladder: { entry_level: 1, floor: 2, enqueued_at: at },
      };
      const options = { jobId: 'job.j_1', priority: 500 * 2048 + 3 };
      const own = new Job(
        queue,
        JOB_NAME,
        data,
        Object.assign({}, queue.jobsOpts, options),
        options.jobId,
      );
      const expected = commandFor(queue, own.asJSON(), options.jobId);
      expect(expected[0]).toMatch(/^addPrioritizedJob:/);
      expect(commandFor(queue, bullJobFields(queue, data, options, at), options.jobId)).toEqual(
        expected,
      );
    },
  );
});
