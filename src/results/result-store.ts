import { isFinal, type JobResult, type JobStatus } from '../ladder/result.js';

/** A response-cache entry written with a final record, in the same round trip. */
export interface CacheWrite {
  key: string;
  json: string;
  ttlSeconds: number;
}

/** A streamed job's event stream, which a final record ends with its `final` event. */
export interface StreamEnd {
  key: string;
  maxEvents: number;
}

export interface ClaimAnswer {
  created: boolean;
  status: JobStatus;
  level: number;
  record: JobResult;
  /**
   * The record is final but held (replicated durability: written, not yet confirmed by a replica
   * nor announced); `status`, `level` and `record` are the held final record. Release it.
   */
  held: boolean;
}

export interface WriteOptions {
  requireStatus?: JobStatus;
  cache?: CacheWrite;
  /** A streamed job's event stream: a final record also appends its `final` event there. */
  stream?: StreamEnd;
  /**
   * A final record is held: written, counted as final by every later write and claim, but not
   * visible to readers nor announced until `release`.
   */
  hold?: boolean;
}

export interface WriteAnswer {
  written: boolean;
  status: JobStatus | null;
}

/**
 * One result record per job id. A final record is never overwritten and a stale re-run cannot move
 * a job back up the ladder: `RedisResultStore` keeps these rules in Lua, `MemoryResultStore` (unit
 * tests) in plain code, and `test/results/result-store.test.ts` holds both to the same answers.
 */
export interface ResultStore {
  /**
   * Creates the record unless one exists; answers whichever record was there. With `activate`, a
   * worker also marks an existing non-final record at or above its level as active at its level.
   */
  claim(record: JobResult, options?: { activate?: boolean }): Promise<ClaimAnswer>;
  /**
   * A worker's claim (`activate`) of the job `id` at `level`. Its producer created the record in
   * the usual case, so `initial` is built and sent only when there is none (a raw BullMQ producer's
   * job): the common claim carries no record JSON.
   */
  take(id: string, level: number, initial: () => JobResult): Promise<ClaimAnswer>;
  /**
   * Writes the record; refused when the stored one is final (or held), further down the ladder,
   * or (with `requireStatus`) not in that status. Answers whether it was written and the status now.
   */
  write(record: JobResult, options?: WriteOptions): Promise<WriteAnswer>;
  /**
   * Makes a held final record the record and announces it (results channel, and the stream's
   * `final` event for a streamed job). Answers false when nothing was held (already released).
   */
  release(id: string, stream?: StreamEnd): Promise<boolean>;
  /** Only the status, for the cheap "has another run finished it?" check. */
  status(id: string): Promise<JobStatus | null>;
  /** The record; an id that names none may be a raw producer's BullMQ id, whose alias is followed. */
  get(id: string): Promise<JobResult | null>;
  /** Makes `from` (a BullMQ id a raw producer chose) find the record of `to`. */
  alias(from: string, to: string): Promise<void>;
  delete(id: string): Promise<void>;
}

export function isFinalRecord(record: JobResult | null): boolean {
  return record !== null && isFinal(record.status);
}
