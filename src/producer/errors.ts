import type { Problem } from '../ladder/problem.js';

/**
 * A job, or jobs of a batch, refused before anything was enqueued. `problems` name each path that
 * was wrong, relative to the job; in a batch each problem carries the `index` of its job.
 */
export class JobValidationError extends Error {
  readonly isJobValidationError = true;
  readonly problems: Problem[];
  /** Index in a batch, when every problem is of one job of a batch. */
  readonly index: number | undefined;
  /** How many jobs the batch held, when the job was one of many. */
  readonly batchSize: number | undefined;

  constructor(problems: readonly Problem[], where?: number | { batchSize: number }) {
    const index = typeof where === 'number' ? where : undefined;
    const stamped = problems.map((p) => (index === undefined ? { ...p } : { ...p, index }));
    const indexes = new Set(stamped.map((p) => p.index).filter((i) => i !== undefined));
    const batchSize = typeof where === 'object' ? where.batchSize : undefined;
    super(
      (batchSize === undefined && indexes.size === 0 ? 'invalid job: ' : 'invalid batch: ') +
        stamped
          .map((p) => `${p.index === undefined ? '' : `jobs.${p.index}.`}${p.path}: ${p.message}`)
          .join('; '),
    );
    this.name = 'JobValidationError';
    this.problems = stamped;
    this.index = indexes.size === 1 ? [...indexes][0] : undefined;
    this.batchSize = batchSize;
  }

  /** How many jobs of the batch are invalid. */
  get invalidJobs(): number {
    return new Set(this.problems.map((p) => p.index)).size;
  }
}

export function isJobValidationError(error: unknown): error is JobValidationError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isJobValidationError?: unknown }).isJobValidationError === true
  );
}

/** Redis (or the API) cannot be reached: the caller may retry later; nothing was accepted. */
export class LadderUnavailableError extends Error {
  readonly isLadderUnavailableError = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LadderUnavailableError';
  }
}

/**
 * `redis.durability: replicated` and no replica confirmed the job in `redis.wait_timeout_ms`: it
 * is not acknowledged. It may be in Redis (on the master only) and may run, or a failover may lose
 * it. Enqueue again with the same id (`jobIds`, also the ids this call generated): that is
 * idempotent, answers the job that is there, and is acknowledged once a replica has it.
 */
export class NotReplicatedError extends LadderUnavailableError {
  readonly isNotReplicatedError = true;
  readonly code = 'not_replicated';
  constructor(
    readonly jobIds: readonly string[],
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `not acknowledged: no replica confirmed ${jobIds.length === 1 ? `job ${jobIds[0]}` : `${jobIds.length} jobs`} (${detail}); enqueue again with the same id, which is idempotent`,
      options,
    );
    this.name = 'NotReplicatedError';
  }
}

export function isNotReplicatedError(error: unknown): error is NotReplicatedError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isNotReplicatedError?: unknown }).isNotReplicatedError === true
  );
}

/** The queue is deeper than `api.max_queue_depth`; retry after `retryAfterMs`. */
export class QueueFullError extends Error {
  readonly isQueueFullError = true;
  constructor(
    readonly level: string,
    readonly depth: number,
    readonly retryAfterMs: number,
  ) {
    super(`queue ${level} holds ${depth} waiting jobs, above api.max_queue_depth`);
    this.name = 'QueueFullError';
  }
}
