import { z } from 'zod';
import { jsonShapeProblem, MAX_JSON_DEPTH, unknownKeys } from './json-shape.js';
import type { Problem } from './problem.js';
import { structuredOutputProblems } from '../output/request-checks.js';
import { responseFormatSchema } from '../output/response-format.js';

import {
  ALL_DIGITS,
  JOB_ID_PATTERN,
  LIMITS,
  MAX_DEADLINE_MS,
  MAX_LEVEL,
  MAX_LEVEL_NAME_CHARS,
  MAX_METADATA_KEY_CHARS,
  MAX_METADATA_VALUE_CHARS,
  MAX_PRIORITY,
  MAX_STOP_CHARS,
  MAX_TEMPERATURE,
  MAX_TOOL_NAME_CHARS,
} from './job-limits.js';
import { plainJob } from './plain-job.js';

export { LIMITS } from './job-limits.js';

/**
 * The job JSON, the same over HTTP, the TypeScript client and raw BullMQ job data (snake_case).
 * Its limits (job-limits.ts) keep one job from exhausting a worker or a provider bill.
 */
const text = z.string().max(LIMITS.maxStringChars);

/** A tool call in the provider-neutral shape: arguments parsed to an object. */
export const toolCallSchema = z.object({
  id: z.string().min(1).max(LIMITS.maxIdChars),
  name: z.string().min(1).max(256),
  arguments: z.record(z.string(), z.unknown()),
});

export const messageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: text }).strict(),
  z
    .object({
      role: z.literal('assistant'),
      content: text.optional(),
      tool_calls: z.array(toolCallSchema).max(LIMITS.maxTools).optional(),
    })
    .strict(),
  z
    .object({
      role: z.literal('tool'),
      tool_call_id: z.string().min(1).max(LIMITS.maxIdChars),
      name: z.string().max(MAX_TOOL_NAME_CHARS).optional(),
      content: text,
    })
    .strict(),
]);

export const toolSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are 1 to 64 letters, digits, _ or -'),
    description: z.string().max(10_000).optional(),
    input_schema: z.record(z.string(), z.unknown()),
  })
  .strict();

export const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.object({ name: z.string().min(1).max(64) }).strict(),
]);

export const requestSchema = z
  .object({
    system: text.optional(),
    messages: z.array(messageSchema).min(1).max(LIMITS.maxMessages),
    tools: z.array(toolSchema).max(LIMITS.maxTools).optional(),
    tool_choice: toolChoiceSchema.optional(),
    max_tokens: z.number().int().positive().max(LIMITS.maxTokens).optional(),
    temperature: z.number().min(0).max(MAX_TEMPERATURE).optional(),
    stop: z.array(z.string().min(1).max(MAX_STOP_CHARS)).max(LIMITS.maxStops).optional(),
    response_format: responseFormatSchema.optional(),
  })
  .strict();

/** Job ids become BullMQ job ids: no `:` (key separator) and not all digits (BullMQ's own ids). */
export const jobIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.maxIdChars)
  .regex(JOB_ID_PATTERN, 'ids use letters, digits and _ . @ = + - only')
  .refine((id) => !ALL_DIGITS.test(id), 'ids must not be all digits (BullMQ reserves those)');

export const levelRefSchema = z.union([
  z.number().int().min(1).max(MAX_LEVEL),
  z.string().min(1).max(MAX_LEVEL_NAME_CHARS),
]);

const PRIORITY_EXPECTED = 'priority is an integer from 1 to 1000 (lower runs first)';

export const complexitySchema = z.enum(['simple', 'standard', 'complex']);

export const jobInputSchema = z
  .object({
    id: jobIdSchema.optional(),
    request: requestSchema,
    level: levelRefSchema.optional(),
    complexity: complexitySchema.optional(),
    floor: levelRefSchema.optional(),
    deadline_ms: z.number().int().positive().max(MAX_DEADLINE_MS).optional(),
    cache: z.boolean().optional(),
    /**
     * Stream the answer: its pieces go to the job's event stream as the provider sends them
     * (`GET /v1/jobs/{id}/events`), and a provider failing mid-answer hands over to the next target.
     */
    stream: z.boolean().optional(),
    priority: z
      .number({ error: PRIORITY_EXPECTED })
      .int({ error: PRIORITY_EXPECTED })
      .min(1, { error: PRIORITY_EXPECTED })
      .max(MAX_PRIORITY, { error: PRIORITY_EXPECTED })
      .optional(),
    metadata: z
      .record(
        z.string().max(MAX_METADATA_KEY_CHARS),
        z.union([z.string().max(MAX_METADATA_VALUE_CHARS), z.number(), z.boolean(), z.null()]),
      )
      .refine((m) => Object.keys(m).length <= LIMITS.maxMetadataKeys, {
        message: `metadata holds at most ${LIMITS.maxMetadataKeys} keys`,
      })
      .optional(),
  })
  .strict();

export type ToolCall = z.infer<typeof toolCallSchema>;
export type Message = z.infer<typeof messageSchema>;
export type Tool = z.infer<typeof toolSchema>;
export type ToolChoice = z.infer<typeof toolChoiceSchema>;
export type CompletionRequest = z.infer<typeof requestSchema>;
export type LevelRef = z.infer<typeof levelRefSchema>;
export type Complexity = z.infer<typeof complexitySchema>;
export type JobInput = z.infer<typeof jobInputSchema>;

/**
 * The agent a job speaks for (`metadata.agent`), undefined when it names none: such jobs count as
 * one agent for budgets, quota fairness and queue order.
 */
export function jobAgent(job: Pick<JobInput, 'metadata'>): string | undefined {
  const agent = job.metadata?.agent;
  return typeof agent === 'string' ? agent : undefined;
}

/** One problem with a job, with the path where it was found (`request.messages.0.role`). */
export type JobProblem = Omit<Problem, 'index'>;

export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map((p) => String(p)).join('.');
}

/** Compile-time only: no value carries it; `parseJob` is the one way to a `ValidJob`. */
declare const validated: unique symbol;

/**
 * A job that passed `parseJob`. What takes one (routing, records, the writes of an enqueue) never
 * checks it again: a job is parsed and validated once on its way in, however it came.
 */
export type ValidJob = JobInput & { readonly [validated]: true };

export type ParseJobResult = { ok: true; job: ValidJob } | { ok: false; problems: JobProblem[] };

export { MAX_JSON_DEPTH } from './json-shape.js';

/** The path of the first value nested deeper than `maxDepth`, or null (see json-shape.ts). */
export function tooDeepAt(value: unknown, maxDepth: number = MAX_JSON_DEPTH): string | null {
  const problem = jsonShapeProblem(value, {
    maxDepth,
    maxNodes: Number.POSITIVE_INFINITY,
    maxArrayItems: Number.POSITIVE_INFINITY,
  });
  return problem === null ? null : problem.path;
}

const JOB_KEYS: ReadonlySet<string> = new Set(Object.keys(jobInputSchema.shape));
const REQUEST_KEYS: ReadonlySet<string> = new Set(Object.keys(requestSchema.shape));
const NO_KEYS: ReadonlySet<string> = new Set();

const without = (value: object, keys: string[]): Record<string, unknown> => {
  const copy: Record<string, unknown> = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
};
const named = (keys: string[]): string => keys.map((k) => JSON.stringify(k)).join(', ');

/**
 * Fields the job does not have (at the top and in `request`), found without reading what they
 * hold, and the job without them, so that the rest is still checked and every problem reported.
 */
function splitUnknown(input: unknown): { known: unknown; problems: JobProblem[] } {
  const extra = unknownKeys(input, JOB_KEYS);
  const request = (input as { request?: unknown } | null)?.request;
  const extraInRequest = unknownKeys(request, REQUEST_KEYS);
  if (extra.length === 0 && extraInRequest.length === 0) return { known: input, problems: [] };
  const problems: JobProblem[] = [];
  let known = without(input as object, extra);
  if (extra.length > 0)
    problems.push({ path: '(root)', message: `unknown field(s) ${named(extra)}` });
  if (extraInRequest.length > 0) {
    problems.push({ path: 'request', message: `unknown field(s) ${named(extraInRequest)}` });
    known = { ...known, request: without(request as object, extraInRequest) };
  }
  return { known, problems };
}

/**
 * Validates a job: unknown fields first (their contents are never walked), then one pass over the
 * rest for depth, size and array length (json-shape.ts), and only then zod, which is costly on
 * large input.
 */
export function parseJob(input: unknown): ParseJobResult {
  const split = splitUnknown(input);
  const problems = split.problems;
  let known = split.known;
  const shape = jsonShapeProblem(known);
  if (shape !== null) return { ok: false, problems: [...problems, shape] };
  const metadata = (known as { metadata?: unknown } | null)?.metadata;
  const metadataKeys = unknownKeys(metadata, NO_KEYS).length;
  if (metadataKeys > LIMITS.maxMetadataKeys) {
    // Counted before zod, which would check every entry of a huge record first.
    problems.push({
      path: 'metadata',
      message: `metadata holds at most ${LIMITS.maxMetadataKeys} keys, got ${metadataKeys}`,
    });
    known = without(known as object, ['metadata']);
  }
  const parsed = jobInputSchema.safeParse(known);
  // Schemas the worker will run against answers must compile and be safe to run.
  if (parsed.success) problems.push(...structuredOutputProblems(parsed.data.request));
  if (parsed.success && problems.length === 0) return { ok: true, job: parsed.data as ValidJob };
  return {
    ok: false,
    problems: [
      ...problems,
      ...(parsed.success ? [] : parsed.error.issues).map((issue) => ({
        path: formatIssuePath(issue.path),
        message: issue.message,
      })),
    ],
  };
}

/**
 * `parseJob` for the way in (LadderClient, the API) and for a worker, which checks again every job
 * it takes (a raw BullMQ producer can write anything): a plain job (text messages, no tools, no
 * structured output; plain-job.ts) is checked by hand in one pass and answered as zod would answer
 * it; anything else, valid or not, takes `parseJob` and gets its messages, so a rejected job's
 * problems are always zod's.
 */
export function reparseJob(input: unknown): ParseJobResult {
  const plain = plainJob(input);
  return plain === null ? parseJob(input) : { ok: true, job: plain as ValidJob };
}
