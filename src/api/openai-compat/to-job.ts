import type {
  CompletionRequest,
  JobInput,
  Message,
  Tool,
  ToolCall,
  ToolChoice,
} from '../../ladder/job-schema.js';
import { invalidRequest } from './errors.js';
import type { LadderHeaders } from './ladder-headers.js';
import { ladderFieldParam } from './ladder-headers.js';
import { entryFields, type Entry } from './model-map.js';
import type { ChatMessage, ChatRequest } from './request-schema.js';

export interface BuiltJob {
  job: JobInput;
  /** `provider/model` to try first at the entry level, when `model` named a target. */
  prefer?: string;
  /** Turns a problem path of the neutral job back into the OpenAI request's name for it. */
  paramFor: (path: string) => string;
}

/**
 * The job every drop-in endpoint enqueues: the translated request at the entry `model` chose, with
 * the options of the X-Ladder-* headers; `stream` makes the worker stream from the provider so the
 * answer is relayed as it is produced.
 */
export function builtJob(input: {
  completion: CompletionRequest;
  entry: Entry;
  headers: LadderHeaders;
  metadata: JobInput['metadata'];
  stream: boolean;
  paramFor: (path: string) => string;
}): BuiltJob {
  const { entry, headers, metadata } = input;
  const job: JobInput = {
    ...(headers.id !== undefined ? { id: headers.id } : {}),
    request: input.completion,
    ...entryFields(entry),
    ...(headers.floor !== undefined ? { floor: headers.floor } : {}),
    deadline_ms: headers.deadlineMs,
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
    ...(input.stream ? { stream: true } : {}),
  };
  return {
    job,
    ...(entry.kind === 'target' ? { prefer: entry.prefer } : {}),
    paramFor: input.paramFor,
  };
}

type Parts =
  string | ReadonlyArray<{ type: 'text'; text: string } | { type: 'refusal'; refusal: string }>;

/** Text parts are separate blocks to OpenAI; a newline keeps them apart in one string. */
function flatten(content: Parts): string {
  if (typeof content === 'string') return content;
  return content.map((p) => (p.type === 'text' ? p.text : p.refusal)).join('\n');
}

/** OpenAI sends arguments as a JSON string; the neutral shape holds the parsed object. */
export function parseArguments(raw: string, param: string): Record<string, unknown> {
  // Some clients send "" for a tool without parameters.
  if (raw.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalidRequest(
      `${param} is not valid JSON: tool call arguments must be a JSON object string`,
      param,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest(`${param} must be a JSON object`, param);
  }
  return value as Record<string, unknown>;
}

function toolCallsOf(
  message: Extract<ChatMessage, { role: 'assistant' }>,
  index: number,
): ToolCall[] {
  return (message.tool_calls ?? []).map((call, j) => ({
    id: call.id,
    name: call.function.name,
    arguments: parseArguments(
      call.function.arguments,
      `messages[${index}].tool_calls[${j}].function.arguments`,
    ),
  }));
}

interface Conversation {
  system: string[];
  messages: Message[];
  /** Neutral message index → index in the OpenAI `messages`, for error paths. */
  origin: number[];
}

/** System and developer messages fold into `system`; the rest keep their order. */
function convertMessages(chat: readonly ChatMessage[]): Conversation {
  const out: Conversation = { system: [], messages: [], origin: [] };
  // Tool results carry the function name too: some providers (Gemini) match results by name.
  const toolNames = new Map<string, string>();
  chat.forEach((m, index) => {
    if (m.role === 'system' || m.role === 'developer') {
      out.system.push(flatten(m.content));
      return;
    }
    if (m.role === 'user') out.messages.push({ role: 'user', content: flatten(m.content) });
    if (m.role === 'assistant') {
      const calls = toolCallsOf(m, index);
      for (const call of calls) toolNames.set(call.id, call.name);
      const text = m.content == null ? (m.refusal ?? undefined) : flatten(m.content);
      out.messages.push({
        role: 'assistant',
        ...(text !== undefined && text !== '' ? { content: text } : {}),
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      });
    }
    if (m.role === 'tool') {
      const name = toolNames.get(m.tool_call_id);
      out.messages.push({
        role: 'tool',
        tool_call_id: m.tool_call_id,
        content: flatten(m.content),
        ...(name ? { name } : {}),
      });
    }
    out.origin.push(index);
  });
  return out;
}

function convertTools(request: ChatRequest): { tools?: Tool[]; tool_choice?: ToolChoice } {
  const tools = request.tools?.map((t): Tool => ({
    name: t.function.name,
    ...(t.function.description !== undefined ? { description: t.function.description } : {}),
    // OpenAI allows a function without parameters; the neutral shape always has a schema.
    input_schema: t.function.parameters ?? { type: 'object', properties: {} },
  }));
  const choice = request.tool_choice;
  const tool_choice: ToolChoice | undefined =
    choice == null
      ? undefined
      : typeof choice === 'string'
        ? choice
        : { name: choice.function.name };
  return {
    ...(tools && tools.length > 0 ? { tools } : {}),
    ...(tool_choice ? { tool_choice } : {}),
  };
}

function metadataOf(request: ChatRequest, headers: LadderHeaders): JobInput['metadata'] {
  const metadata: Record<string, string> = { ...(request.metadata ?? {}) };
  if (request.user != null && metadata.user === undefined) metadata.user = request.user;
  // The header is the ladder's own channel for the agent, so it wins over a body field.
  if (headers.agent !== undefined) metadata.agent = headers.agent;
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}

/** Maps `request.messages.3.content` to `messages[5].content`, `floor` to its header, and so on. */
function paramTranslator(origin: readonly number[]): (path: string) => string {
  return (path) => {
    const [head, second, third, ...rest] = path.split('.');
    const header = ladderFieldParam(head);
    if (header !== undefined) return header;
    if (head !== 'request' || second === undefined) return path;
    if (second === 'system') return 'messages';
    const index = Number(third);
    if (second === 'messages' && Number.isInteger(index)) {
      return [`messages[${origin[index] ?? index}]`, ...rest].join('.');
    }
    if (second === 'tools' && Number.isInteger(index)) {
      const field = rest[0] === 'input_schema' ? 'parameters' : rest[0];
      return `tools[${index}].function${field ? `.${field}` : ''}`;
    }
    return [second, third, ...rest].filter((p) => p !== undefined).join('.');
  };
}

/** The neutral job for an OpenAI request, its entry chosen by `model`, its options by headers. */
export function toJob(input: {
  request: ChatRequest;
  entry: Entry;
  headers: LadderHeaders;
}): BuiltJob {
  const { request, entry, headers } = input;
  const conversation = convertMessages(request.messages);
  const stop =
    request.stop == null
      ? undefined
      : typeof request.stop === 'string'
        ? [request.stop]
        : request.stop;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const completion: CompletionRequest = {
    ...(conversation.system.length > 0 ? { system: conversation.system.join('\n\n') } : {}),
    messages: conversation.messages,
    ...convertTools(request),
    ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(stop && stop.length > 0 ? { stop } : {}),
    // OpenAI's shape is the job's: the job's validation checks what is inside.
    ...(request.response_format != null
      ? { response_format: request.response_format as CompletionRequest['response_format'] }
      : {}),
  };
  return builtJob({
    completion,
    entry,
    headers,
    metadata: metadataOf(request, headers),
    stream: request.stream === true,
    paramFor: paramTranslator(conversation.origin),
  });
}
