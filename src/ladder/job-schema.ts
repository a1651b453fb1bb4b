import { z } from 'zod';
import type { Problem } from './problem.js';

/**
 * The job JSON, the same over HTTP, the TypeScript client and raw BullMQ job data (snake_case).
 * Limits keep one job from exhausting a worker or a provider bill; they are deliberately generous.
 */
export const LIMITS = {
  maxMessages: 1_000,
  maxTools: 128,
  maxStringChars: 1_000_000,
  maxTokens: 1_000_000,
  maxIdChars: 200,
  maxMetadataKeys: 64,
  maxStops: 16,
} as const;

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
      name: z.string().max(256).optional(),
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
    temperature: z.number().min(0).max(2).optional(),
    stop: z.array(z.string().min(1).max(1_000)).max(LIMITS.maxStops).optional(),
  })
  .strict();

/** Job ids become BullMQ job ids: no `:` (key separator) and not all digits (BullMQ's own ids). */
export const jobIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.maxIdChars)
  .regex(/^[A-Za-z0-9_.@=+-]+$/, 'ids use letters, digits and _ . @ = + - only')
  .refine((id) => !/^\d+$/.test(id), 'ids must not be all digits (BullMQ reserves those)');

export const levelRefSchema = z.union([
  z.number().int().min(1).max(100),
  z.string().min(1).max(64),
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
    deadline_ms: z
      .number()
      .int()
      .positive()
      .max(7 * 24 * 3600 * 1000)
      .optional(),
    cache: z.boolean().optional(),
    priority: z
      .number({ error: PRIORITY_EXPECTED })
      .int({ error: PRIORITY_EXPECTED })
      .min(1, { error: PRIORITY_EXPECTED })
      .max(1000, { error: PRIORITY_EXPECTED })
      .optional(),
    metadata: z
      .record(
        z.string().max(256),
        z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]),
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

/** One problem with a job, with the path where it was found (`request.messages.0.role`). */
export type JobProblem = Omit<Problem, 'index'>;

export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map((p) => String(p)).join('.');
}

export type ParseJobResult = { ok: true; job: JobInput } | { ok: false; problems: JobProblem[] };

/**
 * Deeper JSON than this is refused before zod sees it, on every path in (HTTP, client, raw BullMQ):
 * JSON.stringify and most walkers recurse, and nested brackets would cost a stack overflow.
 */
export const MAX_JSON_DEPTH = 64;

/** The path of the first value nested deeper than `maxDepth`, or null. Iterative on purpose. */
export function tooDeepAt(value: unknown, maxDepth: number = MAX_JSON_DEPTH): string | null {
  const stack: Array<{ value: unknown; depth: number; path: string[] }> = [
    { value, depth: 0, path: [] },
  ];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === undefined || typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= maxDepth) return item.path.join('.') || '(root)';
    for (const [key, child] of Object.entries(item.value)) {
      stack.push({ value: child, depth: item.depth + 1, path: [...item.path, key] });
    }
  }
  return null;
}

export function parseJob(input: unknown): ParseJobResult {
  const deep = tooDeepAt(input);
  if (deep !== null) {
    return {
      ok: false,
      problems: [{ path: deep, message: `nested deeper than ${MAX_JSON_DEPTH} levels` }],
    };
  }
  const parsed = jobInputSchema.safeParse(input);
  if (parsed.success) return { ok: true, job: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => ({
      path: formatIssuePath(issue.path),
      message: issue.message,
    })),
  };
}
