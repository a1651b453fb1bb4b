import type { RedisClient } from '../util/redis.js';
import { MAX_STREAM_EVENTS } from './events.js';

/** One event as it goes into a job's Redis Stream. */
export interface StreamEntryOut {
  type: string;
  data: unknown;
}

interface Queued {
  key: string;
  entries: StreamEntryOut[];
  /** Seconds to (re)set the key's expiry to, or null to leave it. */
  expire: number | null;
  settle: (error: unknown) => void;
}

/**
 * The stream writes of every job a worker process runs, gathered until the I/O callbacks of this
 * event-loop turn are done and sent as one pipeline: pieces of several answers that arrived in the
 * same turn leave in one socket write and one reply. On a busy host each write is a system call
 * every process pays for; one per piece per job was the largest share of a streaming worker's own
 * CPU. A job still has at most one write in flight (JobStreamWriter), so its order is kept.
 */
export class StreamWriteBatch {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(private readonly redis: RedisClient) {}

  /** Resolves with the first error of this job's commands (undefined when all were written). */
  send(key: string, entries: StreamEntryOut[], expire: number | null): Promise<unknown> {
    return new Promise((settle) => {
      this.queue.push({ key, entries, expire, settle });
      if (this.scheduled) return;
      this.scheduled = true;
      // setImmediate, not nextTick: pieces of other answers read in this same turn come along.
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const queued = this.queue;
    this.queue = [];
    this.scheduled = false;
    const pipeline = this.redis.pipeline();
    for (const { key, entries, expire } of queued) {
      for (const entry of entries) {
        pipeline.xadd(
          key,
          'MAXLEN',
          '~',
          MAX_STREAM_EVENTS,
          '*',
          'type',
          entry.type,
          'data',
          JSON.stringify(entry.data),
        );
      }
      if (expire !== null) pipeline.expire(key, expire);
    }
    let replies: Array<[Error | null, unknown]>;
    try {
      replies = (await pipeline.exec()) ?? [];
    } catch (error) {
      for (const job of queued) job.settle(error);
      return;
    }
    let at = 0;
    for (const job of queued) {
      const count = job.entries.length + (job.expire === null ? 0 : 1);
      const mine = replies.slice(at, at + count);
      at += count;
      job.settle(mine.length < count ? new Error('no reply') : mine.find(([e]) => e)?.[0]);
    }
  }
}
