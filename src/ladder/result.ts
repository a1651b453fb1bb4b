import type { CompletionOutput, Usage } from '../providers/contract.js';
import type { ErrorClass } from '../providers/provider-error.js';

export type JobStatus = 'queued' | 'active' | 'completed' | 'failed' | 'cancelled';
export type ResultSource = 'llm' | 'cache' | 'static';
export type SkipReason = 'breaker_open' | 'budget' | 'level_down' | 'cache_miss' | 'deadline';

/** Failure classes: the provider classes, plus the two a job can end with on its own. */
export type FailureClass = ErrorClass | 'deadline' | 'invalid';

/** One step of a job's trail down the ladder. */
export interface Attempt {
  level: number;
  level_name?: string;
  provider?: string;
  model?: string;
  outcome: 'ok' | 'error' | 'skipped';
  reason?: SkipReason;
  class?: ErrorClass | 'deadline';
  status?: number | null;
  error?: string;
  latency_ms?: number;
  at: string;
}

export interface ResultError {
  message: string;
  class: FailureClass;
}

/** The result record, one per job id, stored in Redis for `results.ttl`. */
export interface JobResult {
  id: string;
  status: JobStatus;
  /** Level where the job is (queued/active) or where it ended. */
  level: number;
  level_name: string;
  entry_level: number;
  floor: number;
  provider?: string;
  model?: string;
  source?: ResultSource;
  degraded?: boolean;
  output?: CompletionOutput;
  usage?: Usage | null;
  cost_usd?: number | null;
  error?: ResultError;
  attempts: Attempt[];
  metadata?: Record<string, string | number | boolean | null>;
  timing: {
    enqueued_at: string;
    started_at?: string;
    finished_at?: string;
    queued_ms?: number;
    total_ms?: number;
  };
}

export const FINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.includes(status);
}
