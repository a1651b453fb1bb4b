import {
  attemptClassSchema,
  errorClassSchema,
  skipReasonSchema,
  type AttemptClass,
  type ErrorClass,
  type SkipReason,
} from '../ladder/literals.js';

/**
 * The report's JSON (`ladder report --json`, `GET /v1/report`). Stable: fields are only ever added.
 * Money in USD (9 decimals at most), latencies in ms, times as ISO 8601 UTC.
 */
export interface Report {
  /** Start of the first bucket read: `since` rounded down to the UTC hour (to the day past 8 days). */
  since: string;
  until: string;
  /** Jobs that ended in the window. */
  jobs: { total: number; completed: number; failed: number; unpriced: number };
  /** Every level of the ladder, top first. */
  levels: ReportLevel[];
  /** Every target of the ladder, and any other target that was called in the window. */
  targets: ReportTarget[];
  /** Completed jobs served below their entry level; a job counts under each reason it met. */
  failovers: { total: number; by_reason: Record<FailoverReason, number> };
  cache: { hits: number; saved_usd: number };
  cost: {
    actual_usd: number;
    /** Had every job been served by the first target of its entry level, with the same tokens. */
    entry_level_usd: number;
    saved_usd: number;
  };
  /** Jobs and spend per `metadata.agent`, most expensive first. */
  agents: { agent: string; jobs: number; cost_usd: number }[];
  /**
   * Quota: jobs that waited for a target's rate limit (and their summed wait), and jobs that moved
   * on from a target because its quota would not free up within their deadline or the cap.
   */
  quota?: { waited: number; wait_ms: number; degraded: number };
}

export interface ReportLevel {
  level: number;
  name: string;
  /** Completed jobs served here. */
  jobs: number;
  /** `jobs` over every completed job, 0 to 1. */
  share: number;
  /** Enqueue to finish, from a log histogram (within about 12%); null without jobs. */
  p50_ms: number | null;
  p95_ms: number | null;
  /** Jobs that failed at this level (their floor, or a caller error). */
  failed: number;
  cost_usd: number;
}

export interface ReportTarget {
  target: string;
  calls: number;
  errors: Record<ErrorClass, number>;
  /** Errors over calls, 0 to 1. */
  error_rate: number;
  /** Seconds the breaker was open or forced open inside the window. */
  open_seconds: number;
  cost_usd: number;
}

/**
 * Why completed jobs ended below their entry level: an attempt's error class or a skip reason.
 * `caller` never moves a job down (it fails at once); `unknown` is a trail that says nothing.
 */
export const FAILOVER_REASONS = [
  ...new Set([
    ...attemptClassSchema.exclude(['caller']).options,
    ...skipReasonSchema.options,
    'unknown' as const,
  ]),
];

export type FailoverReason = Exclude<AttemptClass, 'caller'> | SkipReason | 'unknown';

/** Error classes the report lists per target; a job's own `deadline` is not the provider's fault. */
export const TARGET_ERROR_CLASSES = errorClassSchema.options;
