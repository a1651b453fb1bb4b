import { z } from 'zod';
import { AnthropicRequestError } from './errors.js';

/**
 * Anthropic's Messages request, as far as the ladder can honour it. Sampling hints the ladder has
 * no field for (top_p, top_k, service_tier, cache_control) are dropped, so an existing agent works
 * unchanged; content and features whose meaning the ladder cannot keep (images, documents, server
 * tools, extended thinking, MCP servers) are refused with a 400 that names them.
 */

const UNSUPPORTED_BLOCKS: Record<string, string> = {
  image: 'image blocks are not supported: the ladder serves text only',
  document: 'document blocks are not supported: the ladder serves text only',
  search_result: 'search_result blocks are not supported',
  thinking: 'thinking blocks are not supported: the ladder does not run extended thinking',
  redacted_thinking: 'redacted_thinking blocks are not supported',
  server_tool_use: 'server tool blocks are not supported: the ladder runs no server tools',
  web_search_tool_result: 'server tool blocks are not supported: the ladder runs no server tools',
  container_upload: 'container_upload blocks are not supported',
};

const textBlock = z.object({ type: z.literal('text'), text: z.string() });

const toolResultContent = z.union([z.string(), z.array(textBlock)], {
  error: 'tool_result content must be a string or text blocks (images are not supported)',
});

const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});

const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: toolResultContent.optional(),
  is_error: z.boolean().optional(),
});

/** Any block: known ones checked by their schema, unsupported ones refused by name. */
const block = z
  .object({ type: z.string() })
  .loose()
  .superRefine((value, ctx) => {
    const refusal = UNSUPPORTED_BLOCKS[value.type];
    if (refusal !== undefined) ctx.addIssue({ code: 'custom', message: refusal });
  })
  .pipe(
    z.discriminatedUnion('type', [textBlock, toolUseBlock, toolResultBlock], {
      error: 'content blocks must be text, tool_use or tool_result',
    }),
  );

const message = z.object({
  role: z.enum(['user', 'assistant'], { error: 'role must be user or assistant' }),
  content: z.union([z.string(), z.array(block)], {
    error: 'content must be a string or an array of content blocks',
  }),
});

const tool = z
  .object({
    type: z.string().optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.type !== undefined && value.type !== 'custom') {
      ctx.addIssue({
        code: 'custom',
        message: `server tool "${value.type}" is not supported: the ladder runs only client tools with an input_schema`,
      });
      return;
    }
    if (value.input_schema === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['input_schema'],
        message: 'a tool needs an input_schema',
      });
  });

const toolChoice = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
    z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
    z.object({
      type: z.literal('tool'),
      name: z.string().min(1),
      disable_parallel_tool_use: z.boolean().optional(),
    }),
    z.object({ type: z.literal('none') }),
  ],
  { error: 'tool_choice type must be auto, any, tool or none' },
);

const jsonSchemaFormat = z.object({
  type: z.literal('json_schema', {
    error: 'only output_config.format type json_schema is supported',
  }),
  schema: z.record(z.string(), z.unknown()),
});

/** Fields for features the ladder does not run: absent or null, else a 400 that names them. */
const refused = (message: string) => z.null({ error: message }).optional();

export const messagesRequestSchema = z.object({
  model: z
    .string()
    .min(1, { error: 'name a model: a Claude target, a level, a complexity or "ladder"' }),
  max_tokens: z.number().int().positive(),
  messages: z.array(message).min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  metadata: z.object({ user_id: z.string().nullish() }).nullish(),
  stream: z.boolean().optional(),
  output_config: z.object({ format: jsonSchemaFormat.optional() }).loose().optional(),
  thinking: z
    .object({ type: z.string() })
    .loose()
    .refine((t) => t.type === 'disabled', {
      message: 'extended thinking is not supported: the ladder may answer with models without it',
    })
    .optional(),
  mcp_servers: refused('MCP servers are not supported: the ladder runs no server tools'),
  container: refused('containers are not supported: the ladder runs no server tools'),
});

/** count_tokens takes the same request without max_tokens or stream. */
export const countTokensRequestSchema = messagesRequestSchema.omit({
  max_tokens: true,
  stream: true,
});

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
export type AnthropicMessage = MessagesRequest['messages'][number];
export type AnthropicBlock = Exclude<AnthropicMessage['content'], string>[number];

/** `messages.0.content.1`, the way Anthropic's own errors name a field. */
export function anthropicPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

function parseWith<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AnthropicRequestError(
      '',
      'the body must be a JSON object (Content-Type: application/json)',
    );
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const described = issues
    .slice(0, 5)
    .map((issue) => `${anthropicPath(issue.path) || '(body)'}: ${issue.message}`)
    .join('; ');
  throw new AnthropicRequestError('', `invalid request: ${described}`);
}

export function parseMessagesRequest(body: unknown): MessagesRequest {
  return parseWith(messagesRequestSchema, body);
}

export function parseCountTokensRequest(body: unknown): CountTokensRequest {
  return parseWith(countTokensRequestSchema, body);
}
