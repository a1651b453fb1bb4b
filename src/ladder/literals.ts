import { z } from 'zod';

/**
 * Every literal the ladder writes into a result, a ladder state or a metric, defined once. The
 * TypeScript types (`z.infer`), the OpenAPI document, the HTTP client's parsing and the checks on
 * the Lua scripts all come from these lists: adding a value is a one-line change here.
 */

/** Where a job is: `queued` or `active` while it runs, then one of the final three. */
export const jobStatusSchema = z.enum(['queued', 'active', 'completed', 'failed', 'cancelled']);

/** The statuses a record never leaves (the Lua scripts refuse to overwrite them). */
export const finalStatusSchema = jobStatusSchema.extract(['completed', 'failed', 'cancelled']);

/** What a failed provider call means for the ladder (README, "Error classes"). */
export const errorClassSchema = z.enum([
  'transient',
  'caller',
  'context_length',
  'misconfigured',
  /** The answer came back but was not what `response_format` or a tool's schema asked for. */
  'invalid_output',
]);

/** An attempt's class: a provider's, or the job's own deadline. */
export const attemptClassSchema = z.enum([...errorClassSchema.options, 'deadline']);

/** A failed job's class: an attempt's, or `invalid` (a raw BullMQ job that is not a job). */
export const failureClassSchema = z.enum([...attemptClassSchema.options, 'invalid']);

/** Why a level or target was passed over without a call. */
export const skipReasonSchema = z.enum([
  'breaker_open',
  'budget',
  'level_down',
  'cache_miss',
  'deadline',
  'quota',
]);

export const attemptOutcomeSchema = z.enum(['ok', 'error', 'skipped']);

/** What served a completed job. */
export const resultSourceSchema = z.enum(['llm', 'cache', 'static']);

/** Unified stop reason; each provider's own value is kept beside it as `raw_stop_reason`. */
export const stopReasonSchema = z.enum([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'content_filter',
  'other',
]);

export const levelKindSchema = z.enum(['llm', 'cache', 'static']);

/** `down` when no target can take a call, `paused` by an operator, `budget` when spent. */
export const levelStateNameSchema = z.enum(['live', 'down', 'paused', 'budget']);

export const breakerStateNameSchema = z.enum([
  'closed',
  'open',
  'half_open',
  'forced_open',
  'forced_closed',
]);

/** What an operator asks of a breaker (`POST /v1/breakers/...`, `ladder breaker`). */
export const breakerActionSchema = z.enum(['open', 'close', 'auto']);
/** An operator's pause of a level's queue (`ladder pause|resume`, `POST /v1/levels/{level}`). */
export const levelActionSchema = z.enum(['pause', 'resume']);

export const budgetPeriodSchema = z.enum(['day', 'month']);

export type JobStatus = z.infer<typeof jobStatusSchema>;
export type FinalStatus = z.infer<typeof finalStatusSchema>;
export type ErrorClass = z.infer<typeof errorClassSchema>;
export type AttemptClass = z.infer<typeof attemptClassSchema>;
export type FailureClass = z.infer<typeof failureClassSchema>;
export type SkipReason = z.infer<typeof skipReasonSchema>;
export type AttemptOutcome = z.infer<typeof attemptOutcomeSchema>;
export type ResultSource = z.infer<typeof resultSourceSchema>;
export type StopReason = z.infer<typeof stopReasonSchema>;
export type LevelKind = z.infer<typeof levelKindSchema>;
export type LevelStateName = z.infer<typeof levelStateNameSchema>;
export type BreakerStateName = z.infer<typeof breakerStateNameSchema>;
export type BreakerAction = z.infer<typeof breakerActionSchema>;
export type LevelAction = z.infer<typeof levelActionSchema>;
export type BudgetPeriod = z.infer<typeof budgetPeriodSchema>;
