import type { BreakerAction } from '../breaker/types.js';
import type { JobInput } from '../ladder/job-schema.js';
import type { JobResult } from '../ladder/result.js';
import type { LadderState } from '../ladder/state.js';

export interface EnqueueAnswer {
  id: string;
  status: JobResult['status'];
  /** Level the job entered (after skipping down, paused or spent levels). */
  level: number;
  level_name: string;
  /** False when the id was already known: the same id is one job. */
  created: boolean;
}

export interface ResultOptions {
  /** How long to wait for a final result. Default 30000. */
  timeoutMs?: number;
}

/**
 * What a caller can do with a ladder. `LadderClient` implements it over Redis or HTTP, and the HTTP
 * API serves it, so the two ways in have the same methods and answers.
 */
export interface LadderOps {
  /** Validates and enqueues one job; throws JobValidationError before anything is enqueued. */
  enqueue(job: unknown): Promise<EnqueueAnswer>;
  /** All or nothing: every job is validated before any is enqueued. */
  enqueueMany(jobs: readonly unknown[]): Promise<EnqueueAnswer[]>;
  /** The record now, or null when the id is unknown (or expired). */
  get(id: string): Promise<JobResult | null>;
  /** Waits until the job is final; returns the record as it is when the wait ends. */
  result(id: string, options?: ResultOptions): Promise<JobResult | null>;
  /** Cancels a job that has not started; answers the record after the attempt. */
  cancel(id: string): Promise<JobResult | null>;
  ladder(): Promise<LadderState>;
  breaker(target: string, action: BreakerAction): Promise<void>;
  close(): Promise<void>;
}

export type { JobInput };
