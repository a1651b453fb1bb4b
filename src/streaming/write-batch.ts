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
 * event-loop turn are done and sent together: pieces of several answers that arrived in the same
 * turn leave in one socket write (the connection's writes are corked per turn, coalesce-writes.ts).
 * On a busy host each write is a system call every process pays for; one per piece per job was the
 * largest share of a streaming worker's own CPU. A job still has at most one write in flight
 * (JobStreamWriter), so its order is kept.
 *
 * The commands go straight to the connection, not through a `pipeline()`: ioredis builds every
 * pipeline by copying each script defined on the connection onto it (BullMQ's and the ladder's,
 * some fifty, twice each), which cost more than the XADDs it carried.
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
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const queued = this.queue;
    this.queue = [];
    this.scheduled = false;
    for (const { key, entries, expire, settle } of queued) {
      const sent: Promise<unknown>[] = [];
      for (const entry of entries) {
        sent.push(
          this.redis.xadd(
            key,
            'MAXLEN',
            '~',
            MAX_STREAM_EVENTS,
            '*',
            'type',
            entry.type,
            'data',
            JSON.stringify(entry.data),
          ),
        );
      }
      if (expire !== null) sent.push(this.redis.expire(key, expire));
      Promise.all(sent).then(
        () => settle(undefined),
        (error: unknown) => settle(error),
      );
    }
  }
}
