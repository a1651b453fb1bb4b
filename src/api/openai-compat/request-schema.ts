import { z } from 'zod';
import { invalidRequest } from './errors.js';

/**
 * The OpenAI Chat Completions request, as far as the ladder can honour it. Unknown fields (top_p,
 * seed, parallel_tool_calls, ...) are dropped rather than refused, so an existing agent works
 * unchanged; fields whose meaning the ladder cannot keep (n > 1, logprobs) are refused.
 */

const TEXT_ONLY =
  'expected a string or an array of {"type": "text", "text": ...} parts (only text is supported)';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
/** Assistant messages may carry refusal parts; they read as text. */
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });

const textContent = z.union([z.string(), z.array(textPart)], { error: TEXT_ONLY });
const assistantContent = z.union([z.string(), z.array(z.union([textPart, refusalPart]))], {
  error: TEXT_ONLY,
});

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function', { error: 'only function tool calls are supported' }),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const message = z.discriminatedUnion(
  'role',
  [
    z.object({ role: z.literal('system'), content: textContent, name: z.string().optional() }),
    z.object({ role: z.literal('developer'), content: textContent, name: z.string().optional() }),
    z.object({ role: z.literal('user'), content: textContent, name: z.string().optional() }),
    z.object({
      role: z.literal('assistant'),
      content: assistantContent.nullish(),
      tool_calls: z.array(toolCall).nullish(),
      refusal: z.string().nullish(),
      name: z.string().optional(),
    }),
    z.object({ role: z.literal('tool'), tool_call_id: z.string().min(1), content: textContent }),
  ],
  { error: 'role must be system, developer, user, assistant or tool' },
);

const tool = z.object({
  type: z.literal('function', { error: 'only tools of type "function" are supported' }),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union(
  [
    z.enum(['auto', 'none', 'required']),
    z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
  ],
  {
    error: 'expected "auto", "none", "required" or {"type": "function", "function": {"name": ...}}',
  },
);

const positiveInt = z.number().int().positive();

export const chatRequestSchema = z.object({
  model: z.string().min(1, { error: 'name a model: see GET /v1/models' }),
  messages: z.array(message).min(1),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  max_tokens: positiveInt.nullish(),
  max_completion_tokens: positiveInt.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  n: z
    .literal(1, { error: 'only n = 1 is supported: the ladder answers with one choice' })
    .nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().nullish(),
  logprobs: z.literal(false, { error: 'logprobs are not supported' }).nullish(),
  // Passed to the job as it is: the job's own validation names any problem inside it.
  response_format: z
    .object({
      type: z.enum(['text', 'json_object', 'json_schema'], {
        error: 'response_format.type is one of "text", "json_object", "json_schema"',
      }),
    })
    .loose()
    .nullish(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatMessage = ChatRequest['messages'][number];

/** `messages[2].content`, the way a JavaScript caller would write the path. */
export function openAiPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** The request, or a 400 in OpenAI's shape whose `param` is the first bad path. */
export function parseChatRequest(body: unknown): ChatRequest {
  return parseOpenAiBody(chatRequestSchema, body);
}

/** A body checked by `schema`, or a 400 in OpenAI's shape naming up to five bad paths. */
export function parseOpenAiBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('the body must be a JSON object (Content-Type: application/json)', null);
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const first = issues[0];
  const param = first ? openAiPath(first.path) : null;
  const described = issues
    .slice(0, 5)
    .map((issue) => `${openAiPath(issue.path) || '(body)'}: ${issue.message}`)
    .join('; ');
  throw invalidRequest(`invalid request: ${described}`, param || null);
}
