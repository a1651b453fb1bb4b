/**
 * How a ladder job id maps to a BullMQ job id, and back.
 *
 * BullMQ keeps a job's hash at `<prefix>:<queue>:<jobId>`, next to the queue's own keys
 * (`<prefix>:<queue>:wait`, `:active`, `:meta`, `:marker`, `:events`, ...). A job id equal to one of
 * those names overwrites or breaks the queue for good (WRONGTYPE on every later job). Rather than
 * keep a list of names that BullMQ may extend, every ladder job gets its BullMQ id under a namespace
 * that no BullMQ key name has: a `.` never occurs in them. So every id a user may send stays valid,
 * and the record and the API keep using the user's id unchanged.
 */
export const BULL_JOB_ID_PREFIX = 'job.';

/**
 * Every key name BullMQ 6.7 keeps directly under a queue (`queue-keys.ts` and the Lua scripts).
 * Only used to refuse such ids from raw producers and to check key types in `/readyz`: the mapping
 * above does not depend on the list being complete.
 */
export const BULLMQ_QUEUE_KEY_NAMES = [
  'active',
  'wait',
  'waiting-children',
  'paused',
  'id',
  'delayed',
  'prioritized',
  'stalled-check',
  'completed',
  'failed',
  'stalled',
  'repeat',
  'limiter',
  'meta',
  'events',
  'pc',
  'marker',
  'de',
] as const;

/** The BullMQ job id the ladder gives the job with this ladder id. */
export function bullJobId(ladderId: string): string {
  return `${BULL_JOB_ID_PREFIX}${ladderId}`;
}

/** The ladder id inside a BullMQ id the ladder gave, or null for an id a raw producer chose. */
export function ladderIdFromBullJobId(bullId: string): string | null {
  return bullId.startsWith(BULL_JOB_ID_PREFIX) && bullId.length > BULL_JOB_ID_PREFIX.length
    ? bullId.slice(BULL_JOB_ID_PREFIX.length)
    : null;
}
