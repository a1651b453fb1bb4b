import type {
  CompletionRequest,
  JobInput,
  Message,
  Tool,
  ToolCall,
  ToolChoice,
} from '../../ladder/job-schema.js';
import type { LadderHeaders } from '../openai-compat/ladder-headers.js';
import { ladderFieldParam } from '../openai-compat/ladder-headers.js';
import type { Entry } from '../openai-compat/model-map.js';
import { builtJob, parseArguments, type BuiltJob } from '../openai-compat/to-job.js';
import type { ResolvedItem, ResolvedRequest, TextPart } from './request-schema.js';

/** Text parts are separate to OpenAI; a newline keeps them apart in one string. */
function textOf(content: string | readonly TextPart[]): string {
  if (typeof content === 'string') return content;
  return content.map((p) => (p.type === 'refusal' ? p.refusal : p.text)).join('\n');
}

/** `input` itself, for a string input whose one message has no item of its own. */
const WHOLE_INPUT = -1;

interface Conversation {
  system: string[];
  messages: Message[];
  /** Neutral message index → index of the item in `input` it came from, for error paths. */
  origin: number[];
}

/**
 * Items become neutral messages: system and developer messages fold into `system`, function calls
 * join the assistant message right before them (the neutral shape holds an assistant turn's text
 * and calls together), and each function output becomes a tool message.
 */
function convertInput(input: ResolvedRequest['input']): Conversation {
  const out: Conversation = { system: [], messages: [], origin: [] };
  if (typeof input === 'string') {
    out.messages.push({ role: 'user', content: input });
    out.origin.push(WHOLE_INPUT);
    return out;
  }
  // Tool results carry the function name too: some providers (Gemini) match results by name.
  const toolNames = new Map<string, string>();
  let openTurn: { content?: string; tool_calls?: ToolCall[] } | null = null;
  const push = (message: Message, index: number): void => {
    out.messages.push(message);
    out.origin.push(index);
  };
  input.forEach((item: ResolvedItem, index) => {
    if (item.type === 'function_call') {
      const call: ToolCall = {
        id: item.call_id,
        name: item.name,
        arguments: parseArguments(item.arguments, `input[${index}].arguments`),
      };
      toolNames.set(call.id, call.name);
      if (openTurn === null) {
        openTurn = {};
        push({ role: 'assistant', ...openTurn }, index);
      }
      openTurn.tool_calls = [...(openTurn.tool_calls ?? []), call];
      out.messages[out.messages.length - 1] = { role: 'assistant', ...openTurn };
      return;
    }
    openTurn = null;
    if (item.type === 'function_call_output') {
      const name = toolNames.get(item.call_id);
      push(
        {
          role: 'tool',
          tool_call_id: item.call_id,
          content: textOf(item.output),
          ...(name ? { name } : {}),
        },
        index,
      );
      return;
    }
    const text = textOf(item.content);
    if (item.role === 'system' || item.role === 'developer') {
      out.system.push(text);
      return;
    }
    if (item.role === 'user') {
      push({ role: 'user', content: text }, index);
      return;
    }
    openTurn = text === '' ? {} : { content: text };
    push({ role: 'assistant', ...openTurn }, index);
  });
  return out;
}

function convertTools(request: ResolvedRequest): { tools?: Tool[]; tool_choice?: ToolChoice } {
  const tools = (request.tools ?? []).map((t): Tool => ({
    name: t.name ?? '',
    ...(t.description != null ? { description: t.description } : {}),
    // OpenAI allows a function without parameters; the neutral shape always has a schema.
    input_schema: t.parameters ?? { type: 'object', properties: {} },
  }));
  const choice = request.tool_choice;
  const tool_choice: ToolChoice | undefined =
    choice == null ? undefined : typeof choice === 'string' ? choice : { name: choice.name };
  return {
    ...(tools.length > 0 ? { tools } : {}),
    ...(tool_choice ? { tool_choice } : {}),
  };
}

/** `text.format` is the job's structured output (`request.response_format`). */
function responseFormatOf(request: ResolvedRequest): CompletionRequest['response_format'] {
  const format = request.text?.format;
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  return {
    type: 'json_schema',
    json_schema: {
      name: format.name,
      schema: format.schema,
      ...(format.description !== undefined ? { description: format.description } : {}),
      ...(format.strict != null ? { strict: format.strict } : {}),
    },
  };
}

function metadataOf(request: ResolvedRequest, headers: LadderHeaders): JobInput['metadata'] {
  const metadata: Record<string, string> = { ...(request.metadata ?? {}) };
  if (request.user != null && metadata.user === undefined) metadata.user = request.user;
  // The header is the ladder's own channel for the agent, so it wins over a body field.
  if (headers.agent !== undefined) metadata.agent = headers.agent;
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}

/** The Responses name of a neutral message's field: tool results are an item's `output`. */
function itemField(message: Message | undefined, field: string | undefined): string {
  if (field === undefined) return '';
  if (message?.role === 'tool' && field === 'content') return '.output';
  if (field === 'tool_calls') return '';
  return `.${field}`;
}

/** Maps `request.messages.3.content` to `input[5].content`, `floor` to its header, and so on. */
function paramTranslator(conversation: Conversation): (path: string) => string {
  return (path) => {
    const [head, second, third, ...rest] = path.split('.');
    const header = ladderFieldParam(head);
    if (header !== undefined) return header;
    if (head !== 'request' || second === undefined) return path;
    if (second === 'system') return 'instructions';
    if (second === 'max_tokens') return 'max_output_tokens';
    if (second === 'response_format') {
      // json_schema's fields sit right in text.format here.
      const inner = [third, ...rest].filter((p) => p !== undefined && p !== 'json_schema');
      return ['text.format', ...inner].join('.');
    }
    const index = Number(third);
    if (second === 'messages' && Number.isInteger(index)) {
      const origin = conversation.origin[index] ?? index;
      if (origin === WHOLE_INPUT) return 'input';
      return `input[${origin}]${itemField(conversation.messages[index], rest[0])}`;
    }
    if (second === 'tools' && Number.isInteger(index)) {
      const field = rest[0] === 'input_schema' ? 'parameters' : rest[0];
      return `tools[${index}]${field ? `.${field}` : ''}`;
    }
    return [second, third, ...rest].filter((p) => p !== undefined).join('.');
  };
}

/** The neutral request of a Responses request. */
export function toCompletion(request: ResolvedRequest): {
  completion: CompletionRequest;
  conversation: Conversation;
} {
  const conversation = convertInput(request.input);
  const system = [
    ...(request.instructions != null && request.instructions !== '' ? [request.instructions] : []),
    ...conversation.system,
  ];
  const responseFormat = responseFormatOf(request);
  const completion: CompletionRequest = {
    ...(system.length > 0 ? { system: system.join('\n\n') } : {}),
    messages: conversation.messages,
    ...convertTools(request),
    ...(request.max_output_tokens != null ? { max_tokens: request.max_output_tokens } : {}),
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(responseFormat ? { response_format: responseFormat } : {}),
  };
  return { completion, conversation };
}

/** The neutral job for a Responses request, its entry chosen by `model`, its options by headers. */
export function toJob(input: {
  request: ResolvedRequest;
  entry: Entry;
  headers: LadderHeaders;
}): BuiltJob {
  const { request, entry, headers } = input;
  const { completion, conversation } = toCompletion(request);
  return builtJob({
    completion,
    entry,
    headers,
    metadata: metadataOf(request, headers),
    stream: request.stream === true,
    paramFor: paramTranslator(conversation),
  });
}
