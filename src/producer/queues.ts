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

/** One BullMQ queue per level, named after the level, under the ladder's prefix. */
export class LevelQueues {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
    levels: LevelConfig[],
  ) {
    for (const level of levels) this.queue(level.name);
  }

  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions: JOB_OPTIONS,
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
