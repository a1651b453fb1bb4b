import type { RedisClient } from '../util/redis.js';
import type { Keys } from '../ladder/keys.js';
import type { Logger } from '../util/log.js';
import { MAX_STREAM_EVENTS } from './events.js';
import { JobStreamSession } from './session.js';
import { StreamWriteBatch } from './write-batch.js';

/**
 * Where a worker's streamed jobs write their events. Absent from a worker context, `stream: true`
 * jobs are served as plain ones (their readers still get the final record).
 */
export interface JobStreams {
  /** Opens the job's session at a level: what readers hold so far is read back from the stream. */
  open(jobId: string): Promise<JobStreamSession>;
  /** Where the final record's `final` event goes, in the same Lua call as the record. */
  final(jobId: string): { key: string; maxEvents: number };
}

export function redisJobStreams(input: {
  redis: RedisClient;
  keys: Keys;
  ttlSeconds: number;
  logger: Logger;
}): JobStreams {
  const { redis, keys, ttlSeconds, logger } = input;
  const batch = new StreamWriteBatch(redis);
  return {
    open: (jobId) =>
      JobStreamSession.open({
        redis,
        key: keys.jobStream(jobId),
        ttlSeconds,
        batch,
        // The job goes on without its stream: readers still get the final record.
        onError: (error) =>
          logger.warn(
            { job_id: jobId, err: error instanceof Error ? error.message : String(error) },
            'job stream write failed',
          ),
      }),
    final: (jobId) => ({ key: keys.jobStream(jobId), maxEvents: MAX_STREAM_EVENTS }),
  };
}
