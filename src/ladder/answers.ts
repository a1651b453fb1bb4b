import { z } from 'zod';
import { jobStatusSchema, levelActionSchema } from './literals.js';
import { problemSchema } from './problem.js';
import { jobResultSchema } from './result.js';

/**
 * What the HTTP API answers besides records and ladder states: the enqueue answer and the error
 * body. The API writes them, the HTTP client parses them, and the OpenAPI document shows them.
 */

export const enqueueAnswerSchema = z.object({
  id: z.string(),
  status: jobStatusSchema,
  /** Level the job entered (after skipping down, paused or spent levels). */
  level: z.number().int(),
  level_name: z.string(),
  /** False when the id was already known: the same id is one job. */
  created: z
    .boolean()
    .meta({ description: 'false when the id was already known (idempotent enqueue)' }),
});

/** `POST /v1/jobs/batch`: the ids in order, and each job's answer. */
export const batchAnswerSchema = z.object({
  ids: z.array(z.string()),
  jobs: z.array(enqueueAnswerSchema),
});

/** `POST /v1/levels/{level}`: the level an operator paused or resumed. */
export const levelActionAnswerSchema = z.object({
  level: z.number().int(),
  name: z.string(),
  action: levelActionSchema,
});

/** Every error answer has this shape, so clients need one parser. Fields are only ever added. */
export const errorBodySchema = z.looseObject({
  error: z.looseObject({
    message: z.string(),
    /** 400: every problem, each with its path (and its index in a batch). */
    problems: z.array(problemSchema).optional(),
    /** 429: the full queue, its depth, and when to retry. */
    level: z.string().optional(),
    depth: z.number().int().optional(),
    retry_after_ms: z.number().int().optional(),
    /** A machine-readable reason where one status has several: `not_replicated` (503). */
    code: z.string().optional(),
    /** 503 `not_replicated`: the jobs to enqueue again with the same ids (idempotent). */
    job_ids: z.array(z.string()).optional(),
  }),
  /** 409 of a cancel: the record of the job that could not be cancelled. */
  job: jobResultSchema.optional(),
});

export type EnqueueAnswer = z.infer<typeof enqueueAnswerSchema>;
export type BatchAnswer = z.infer<typeof batchAnswerSchema>;
export type ErrorBody = z.infer<typeof errorBodySchema>;
export type { Problem } from './problem.js';
