import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import { ladderIdFromBullJobId } from '../jobs/bull-job-id.js';
import { isJobId } from '../ladder/job-limits.js';

/** Which record a BullMQ job belongs to. */
export interface JobIdentity {
  /** The ladder id: it names the result record and is what the API and the client take. */
  id: string;
  /**
   * A BullMQ id a raw producer chose that differs from `id`: the job must be findable by it too,
   * so the worker records it as an alias of `id`.
   */
  alias?: string;
}

function validId(value: unknown): string | undefined {
  return isJobId(value) ? value : undefined;
}

/**
 * The ladder id of a BullMQ job, in this order: `data.id`; the id inside a BullMQ id the ladder
 * gave (`job.<id>`); a raw producer's own `jobId` when it is a valid ladder id; otherwise (BullMQ's
 * numeric ids, given when a raw producer sets no `jobId`) `<queue>-<number>-<timestamp ms>`. That
 * last one is derived, not random, so a second run of the same BullMQ job (a stall, a sweep racing
 * a worker) lands on the same record; the timestamp keeps it unique when a queue's counter restarts.
 */
export function jobIdentity(
  job: Pick<Job, 'id' | 'data' | 'timestamp' | 'queueName'>,
): JobIdentity {
  const bullId = job.id ?? '';
  const given = validId((job.data as { id?: unknown } | null)?.id);
  const namespaced = ladderIdFromBullJobId(bullId);
  const raw = namespaced === null ? validId(bullId) : undefined;
  const id = given ?? namespaced ?? raw ?? derivedId(job.queueName, bullId, job.timestamp);
  return raw !== undefined && raw !== id ? { id, alias: raw } : { id };
}

function derivedId(queueName: string, bullId: string, timestamp: number): string {
  // BullMQ's own ids are digits; any other id that is no valid ladder id is hashed into one.
  const part = /^\d{1,20}$/.test(bullId)
    ? bullId
    : createHash('sha256').update(bullId).digest('hex').slice(0, 24);
  return `${queueName}-${part}-${timestamp}`;
}
