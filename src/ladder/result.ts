import { z } from 'zod';
import {
  attemptClassSchema,
  attemptOutcomeSchema,
  failureClassSchema,
  finalStatusSchema,
  jobStatusSchema,
  resultSourceSchema,
  skipReasonSchema,
  type JobStatus,
} from './literals.js';
import { completionOutputSchema, usageSchema } from './output.js';

export type {
  AttemptClass,
  FailureClass,
  JobStatus,
  ResultSource,
  SkipReason,
} from './literals.js';

const int = z.number().int();
const time = z.string().meta({ format: 'date-time' });

/** One step of a job's trail down the ladder. */
export const attemptSchema = z.object({
  level: int,
  level_name: z.string().optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
  outcome: attemptOutcomeSchema,
  reason: skipReasonSchema.optional(),
  class: attemptClassSchema.optional(),
  status: int.nullable().optional(),
  error: z.string().optional(),
  latency_ms: z.number().optional(),
  /** A `quota` skip: how long the job waited for this target before it moved on. */
  waited_ms: z.number().optional(),
  /** A streamed attempt that failed mid-answer: characters it had sent to readers. */
  sent_chars: z.number().int().optional(),
  at: time,
});

export const resultErrorSchema = z.object({
  message: z.string(),
  class: failureClassSchema,
});

const metadataValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The result record, one per job id, stored in Redis for `results.ttl`. */
export const jobResultSchema = z.object({
  id: z.string(),
  status: jobStatusSchema,
  /** Level where the job is (queued/active) or where it ended. */
  level: int,
  level_name: z.string(),
  entry_level: int,
  floor: int,
  provider: z.string().optional(),
  model: z.string().optional(),
  source: resultSourceSchema.optional(),
  degraded: z.boolean().optional(),
  output: completionOutputSchema.optional(),
  usage: usageSchema.nullable().optional(),
  cost_usd: z.number().nullable().optional(),
  error: resultErrorSchema.optional(),
  attempts: z.array(attemptSchema),
  metadata: z.record(z.string(), metadataValue).optional(),
  timing: z.object({
    enqueued_at: time,
    started_at: time.optional(),
    finished_at: time.optional(),
    queued_ms: z.number().optional(),
    total_ms: z.number().optional(),
    /** Time spent waiting for quota (rate limits, saturation); 0 when the job never waited. */
    quota_wait_ms: z.number().optional(),
  }),
});

export type Attempt = z.infer<typeof attemptSchema>;
export type ResultError = z.infer<typeof resultErrorSchema>;
export type JobResult = z.infer<typeof jobResultSchema>;

export const FINAL_STATUSES: readonly JobStatus[] = finalStatusSchema.options;

export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.includes(status);
}
