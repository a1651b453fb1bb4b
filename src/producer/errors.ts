import type { JobProblem } from '../ladder/job-schema.js';

/** A job refused before it was enqueued; `problems` name each path that was wrong. */
export class JobValidationError extends Error {
  readonly isJobValidationError = true;
  constructor(
    readonly problems: JobProblem[],
    /** Index in a batch, when the job was one of many. */
    readonly index?: number,
  ) {
    super(
      `invalid job${index === undefined ? '' : ` at index ${index}`}: ` +
        problems.map((p) => `${p.path}: ${p.message}`).join('; '),
    );
    this.name = 'JobValidationError';
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
