import { bullJobId } from './bull-job-id.js';
import { FAIR_SPAN } from './fair-share.js';
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { LevelConfig } from '../config/types.js';

/** BullMQ job name of every ladder job. */
export const JOB_NAME = 'completion';

/**
 * Finished BullMQ jobs are only a trail for Bull Board: the result record is what callers read, so
 * keep a bounded number rather than let the sets grow with every job served.
 */
export const JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: { age: 3600, count: 5000 },
  removeOnFail: { age: 24 * 3600, count: 5000 },
};

/** The priority of a job that names none: the middle of 1–1000, so jobs can be put before or after it. */
export const DEFAULT_PRIORITY = 500;

/**
 * BullMQ options of one ladder job: its BullMQ id (`job.<id>`, see bull-job-id.ts), and its
 * priority. Every ladder job is prioritized (BullMQ serves unprioritized jobs before all prioritized
 * ones, so "absent" could not mean "normal" otherwise): the job's priority times FAIR_SPAN, plus its
 * fair offset among agents (fair-share.ts; 0 for a job moved or put back by a worker). Within one
 * BullMQ priority BullMQ keeps insertion order.
 */
export function addOptions(
  ladderId: string,
  data: { priority?: unknown },
  fairOffset = 0,
): { jobId: string; priority: number } {
  const p = data.priority;
  const priority =
    typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 1000 ? p : DEFAULT_PRIORITY;
  const offset = Math.min(FAIR_SPAN - 1, Math.max(0, Math.floor(fairOffset)));
  return { jobId: bullJobId(ladderId), priority: priority * FAIR_SPAN + offset };
}

/** Entries kept in each level queue's BullMQ event stream. */
export const EVENTS_MAX_LEN = 1000;

/**
 * The options jobs are added with. A finished BullMQ job is kept no longer than its result
 * (`results.ttl`), so that once results expire Redis goes back to its baseline (BullMQ trims by
 * age as later jobs finish).
 */
export function jobOptionsFor(resultsTtlSeconds?: number): JobsOptions {
  if (resultsTtlSeconds === undefined) return JOB_OPTIONS;
  return {
    attempts: 1,
    removeOnComplete: { age: Math.min(3600, resultsTtlSeconds), count: 5000 },
    removeOnFail: { age: Math.min(24 * 3600, resultsTtlSeconds), count: 5000 },
  };
}

/** One BullMQ queue per level, named after the level, under the ladder's prefix. */
export class LevelQueues {
  private readonly queues = new Map<string, Queue>();
  private readonly jobOptions: JobsOptions;

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
    levels: LevelConfig[],
    resultsTtlSeconds?: number,
  ) {
    this.jobOptions = jobOptionsFor(resultsTtlSeconds);
    for (const level of levels) this.queue(level.name);
  }

  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions: this.jobOptions,
        // BullMQ keeps 10,000 events per queue by default; only live listeners read them (the
        // ladder itself waits on its results channel), so a short stream is enough.
        streams: { events: { maxLen: EVENTS_MAX_LEN } },
      });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
