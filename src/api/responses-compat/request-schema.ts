import { z } from 'zod';
import { parseOpenAiBody } from '../openai-compat/request-schema.js';

/**
 * OpenAI's Responses request, as far as the ladder can honour it. Hints the ladder has no field
 * for (top_p, truncation, parallel_tool_calls, service_tier, include, reasoning.effort) are
 * dropped, so an existing agent works unchanged; content and features whose meaning the ladder
 * cannot keep (images, files, audio, reasoning items, built-in tools, stored conversations) are
 * refused with a 400 that names them.
 */

const NO_STATE =
  'the ladder keeps no conversation state between requests: send the whole conversation in `input`';

const UNSUPPORTED_PARTS: Record<string, string> = {
  input_image: 'input_image parts are not supported: the ladder serves text only',
  input_file: 'input_file parts are not supported: the ladder serves text only',
  input_audio: 'input_audio parts are not supported: the ladder serves text only',
};

/** Input items other than messages and function calls, refused by name. */
const UNSUPPORTED_ITEMS: Record<string, string> = {
  reasoning: 'reasoning items are not supported: the ladder may answer with models without them',
  compaction: `compaction items are not supported: ${NO_STATE}`,
};

/** Text parts: input_text from a caller, output_text and refusal replayed from an earlier answer. */
const textPart = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('input_text'), text: z.string() }),
    z.object({ type: z.literal('output_text'), text: z.string() }),
    z.object({ type: z.literal('refusal'), refusal: z.string() }),
  ],
  { error: 'content parts must be input_text, output_text or refusal (only text is supported)' },
);

const part = z
  .object({ type: z.string() })
  .loose()
  .superRefine((value, ctx) => {
    const refusal = UNSUPPORTED_PARTS[value.type];
    if (refusal !== undefined) ctx.addIssue({ code: 'custom', message: refusal });
  })
  .pipe(textPart);

const messageItem = z.object({
  type: z.literal('message'),
  role: z.enum(['user', 'assistant', 'system', 'developer'], {
    error: 'role must be user, assistant, system or developer',
  }),
  content: z.union([z.string(), z.array(part)], {
    error: 'content must be a string or an array of text parts',
  }),
});

const functionCallItem = z.object({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});

/** An earlier answer's output item by id, read back from its job (resolve-references.ts). */
const itemReference = z.object({ type: z.literal('item_reference'), id: z.string().min(1) });

const functionCallOutputItem = z.object({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(part)], {
    error: 'output must be a string or an array of input_text parts',
  }),
});

const KNOWN_ITEMS = ['message', 'function_call', 'function_call_output', 'item_reference'];

/** Any item: known ones checked by their schema, others refused by name; no type is a message. */
const item = z
  .object({ type: z.string().optional() })
  .loose()
  .transform((value) => ({ ...value, type: value.type ?? 'message' }))
  .superRefine((value, ctx) => {
    const refusal = UNSUPPORTED_ITEMS[value.type];
    if (refusal !== undefined) {
      ctx.addIssue({ code: 'custom', message: refusal });
      return;
    }
    if (!KNOWN_ITEMS.includes(value.type)) {
      ctx.addIssue({
        code: 'custom',
        message: `input items of type "${value.type}" are not supported: the ladder takes messages, function_call, function_call_output and item_reference`,
      });
    }
  })
  .pipe(
    z.discriminatedUnion(
      'type',
      [messageItem, functionCallItem, functionCallOutputItem, itemReference],
      { error: 'not a valid message, function_call, function_call_output or item_reference item' },
    ),
  );

const functionTool = z
  .object({
    type: z.string(),
    name: z.string().optional(),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  })
  .superRefine((value, ctx) => {
    if (value.type !== 'function') {
      ctx.addIssue({
        code: 'custom',
        message: `built-in tool "${value.type}" is not supported: the ladder runs only function tools`,
      });
      return;
    }
    if (value.name === undefined || value.name === '')
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'a function tool needs a name' });
  });

const toolChoice = z.union(
  [
    z.enum(['auto', 'none', 'required']),
    z.object({ type: z.literal('function'), name: z.string().min(1) }),
  ],
  { error: 'expected "auto", "none", "required" or {"type": "function", "name": ...}' },
);

const format = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('text') }),
    z.object({ type: z.literal('json_object') }),
    z.object({
      type: z.literal('json_schema'),
      name: z.string(),
      schema: z.record(z.string(), z.unknown()),
      description: z.string().optional(),
      strict: z.boolean().nullish(),
    }),
  ],
  { error: 'text.format.type is one of "text", "json_object", "json_schema"' },
);

const input = z.union([z.string(), z.array(item).min(1)], {
  error: 'input must be a string or an array of input items',
});

/** Fields for features the ladder does not run: absent or null, else a 400 that names them. */
const refused = (message: string) => z.null({ error: message }).optional();

export const responsesRequestSchema = z.object({
  model: z.string().min(1, { error: 'name a model: see GET /v1/models' }),
  input,
  instructions: z.string().nullish(),
  tools: z.array(functionTool).nullish(),
  tool_choice: toolChoice.nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().nullish(),
  text: z.object({ format: format.optional() }).loose().nullish(),
  stream: z.boolean().nullish(),
  // No server-side state either way: accepted so clients that send store: true still work.
  store: z.boolean().nullish(),
  previous_response_id: refused(`previous_response_id is not supported: ${NO_STATE}`),
  conversation: refused(`conversation is not supported: ${NO_STATE}`),
  prompt: refused('stored prompts are not supported: send instructions and input'),
  background: z
    .literal(false, { error: 'background responses are not supported: the ladder answers now' })
    .nullish(),
  n: z
    .literal(1, { error: 'only n = 1 is supported: the ladder answers with one output' })
    .nullish(),
  reasoning: z
    .object({ summary: refused('reasoning summaries are not supported') })
    .loose()
    .nullish(),
});

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
export type InputItem = Exclude<ResponsesRequest['input'], string>[number];
/** An input item other than a reference: what the job is built from. */
export type ResolvedItem = Exclude<InputItem, { type: 'item_reference' }>;
/** A request whose item references were replaced by the items they name (resolve-references.ts). */
export type ResolvedRequest = Omit<ResponsesRequest, 'input'> & { input: string | ResolvedItem[] };
export type TextPart = z.infer<typeof textPart>;

/** `POST /v1/responses/input_tokens` takes the same request with `model` and `input` optional. */
export const inputTokensRequestSchema = responsesRequestSchema.extend({
  model: z.string().min(1).nullish(),
  input: input.nullish(),
});

export type InputTokensRequest = z.infer<typeof inputTokensRequestSchema>;

/** The request, or a 400 in OpenAI's shape whose `param` is the first bad path. */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  return parseOpenAiBody(responsesRequestSchema, body);
}

export function parseInputTokensRequest(body: unknown): InputTokensRequest {
  return parseOpenAiBody(inputTokensRequestSchema, body);
}
