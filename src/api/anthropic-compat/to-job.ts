import type { CompletionRequest, Message, Tool, ToolChoice } from '../../ladder/job-schema.js';
import type { LadderHeaders } from '../openai-compat/ladder-headers.js';
import { ladderFieldParam } from '../openai-compat/ladder-headers.js';
import type { Entry } from '../openai-compat/model-map.js';
import { builtJob, type BuiltJob } from '../openai-compat/to-job.js';
import type { AnthropicBlock, AnthropicMessage, CountTokensRequest } from './request-schema.js';

/** Text blocks are separate to Anthropic; a newline keeps them apart in one string. */
function textOf(content: string | ReadonlyArray<{ type: 'text'; text: string }>): string {
  return typeof content === 'string' ? content : content.map((b) => b.text).join('\n');
}

type ToolResult = Extract<AnthropicBlock, { type: 'tool_result' }>;

/**
 * A failed tool's result says so in words: the neutral shape has no error flag, and every
 * provider reads the text.
 */
function toolResultText(result: ToolResult): string {
  const text = result.content === undefined ? '' : textOf(result.content);
  return result.is_error === true ? `Error: ${text}` : text;
}

interface Conversation {
  messages: Message[];
  /** Neutral message index → index in the Anthropic `messages`, for error paths. */
  origin: number[];
}

/**
 * Anthropic puts tool results in a user turn; the neutral shape has a tool message per result,
 * which must come right after the assistant's calls, so they go first and the turn's text after.
 */
function convertMessages(messages: readonly AnthropicMessage[]): Conversation {
  const out: Conversation = { messages: [], origin: [] };
  // Tool results carry the function name too: some providers (Gemini) match results by name.
  const toolNames = new Map<string, string>();
  const push = (m: Message, index: number): void => {
    out.messages.push(m);
    out.origin.push(index);
  };
  messages.forEach((m, index) => {
    const blocks: readonly AnthropicBlock[] =
      typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    const text = blocks.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
    if (m.role === 'assistant') {
      const calls = blocks.flatMap((b) =>
        b.type === 'tool_use' ? [{ id: b.id, name: b.name, arguments: b.input }] : [],
      );
      for (const call of calls) toolNames.set(call.id, call.name);
      push(
        {
          role: 'assistant',
          ...(text !== '' ? { content: text } : {}),
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        index,
      );
      return;
    }
    for (const b of blocks) {
      if (b.type !== 'tool_result') continue;
      const name = toolNames.get(b.tool_use_id);
      push(
        {
          role: 'tool',
          tool_call_id: b.tool_use_id,
          content: toolResultText(b),
          ...(name ? { name } : {}),
        },
        index,
      );
    }
    const onlyResults = blocks.length > 0 && blocks.every((b) => b.type === 'tool_result');
    if (!onlyResults) push({ role: 'user', content: text }, index);
  });
  return out;
}

function convertTools(request: CountTokensRequest): { tools?: Tool[]; tool_choice?: ToolChoice } {
  const tools = (request.tools ?? []).map((t): Tool => ({
    name: t.name,
    ...(t.description !== undefined ? { description: t.description } : {}),
    input_schema: t.input_schema ?? { type: 'object', properties: {} },
  }));
  const choice = request.tool_choice;
  let tool_choice: ToolChoice | undefined;
  if (choice?.type === 'auto' || choice?.type === 'none') tool_choice = choice.type;
  if (choice?.type === 'any') tool_choice = 'required';
  if (choice?.type === 'tool') tool_choice = { name: choice.name };
  return {
    ...(tools.length > 0 ? { tools } : {}),
    ...(tool_choice ? { tool_choice } : {}),
  };
}

/** Maps `request.messages.3.content` to `messages.5.content`, `floor` to its header, and so on. */
function paramTranslator(origin: readonly number[]): (path: string) => string {
  return (path) => {
    const [head, second, third, ...rest] = path.split('.');
    const header = ladderFieldParam(head);
    if (header !== undefined) return header;
    if (head !== 'request' || second === undefined) return path;
    if (second === 'max_tokens' || second === 'system' || second === 'temperature') return second;
    if (second === 'stop') return 'stop_sequences';
    if (second === 'response_format') return 'output_config.format';
    const index = Number(third);
    if (second === 'messages' && Number.isInteger(index))
      return ['messages', String(origin[index] ?? index), ...rest].join('.');
    return [second, third, ...rest].filter((p) => p !== undefined).join('.');
  };
}

/** The neutral request of a Messages (or count_tokens) request. */
export function toCompletion(request: CountTokensRequest & { max_tokens?: number }): {
  completion: CompletionRequest;
  origin: number[];
} {
  const conversation = convertMessages(request.messages);
  const system = request.system === undefined ? '' : textOf(request.system);
  const format = request.output_config?.format;
  const completion: CompletionRequest = {
    ...(system !== '' ? { system } : {}),
    messages: conversation.messages,
    ...convertTools(request),
    ...(request.max_tokens !== undefined ? { max_tokens: request.max_tokens } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.stop_sequences && request.stop_sequences.length > 0
      ? { stop: request.stop_sequences }
      : {}),
    ...(format
      ? {
          response_format: {
            type: 'json_schema' as const,
            json_schema: { name: 'output', schema: format.schema },
          },
        }
      : {}),
  };
  return { completion, origin: conversation.origin };
}

/** The neutral job for a Messages request, its entry chosen by `model`, its options by headers. */
export function toJob(input: {
  request: CountTokensRequest & { max_tokens: number; stream?: boolean | undefined };
  entry: Entry;
  headers: LadderHeaders;
}): BuiltJob {
  const { request, entry, headers } = input;
  const { completion, origin } = toCompletion(request);
  const metadata: Record<string, string> = {};
  if (request.metadata?.user_id != null) metadata.user = request.metadata.user_id;
  // The header is the ladder's own channel for the agent.
  if (headers.agent !== undefined) metadata.agent = headers.agent;
  return builtJob({
    completion,
    entry,
    headers,
    metadata,
    stream: request.stream === true,
    paramFor: paramTranslator(origin),
  });
}
