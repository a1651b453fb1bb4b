import type { JobResult } from '../../ladder/result.js';
import type { CompletionOutput, StopReason } from '../../providers/contract.js';
import { servedModel, type ServedRecord } from '../openai-compat/to-completion.js';

export type AnthropicStopReason =
  'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export type AnthropicContentBlock =
  /**
   * No `citations`: Anthropic sends the field only when a text cites a document, and
   * @ai-sdk/anthropic refuses `citations: null`.
   */
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number | null;
  cache_creation_input_tokens: number | null;
}

export interface AnthropicMessageResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: AnthropicStopReason;
  stop_sequence: null;
  usage: AnthropicUsage;
}

const STOP: Record<StopReason, AnthropicStopReason> = {
  end_turn: 'end_turn',
  stop_sequence: 'stop_sequence',
  max_tokens: 'max_tokens',
  tool_use: 'tool_use',
  content_filter: 'refusal',
  other: 'end_turn',
};

/**
 * Claude agents loop on `stop_reason === "tool_use"`; other providers may end a tool call with a
 * plain stop, so calls present and no more specific reason read as `tool_use`.
 */
export function anthropicStopReason(
  output: Pick<CompletionOutput, 'stop_reason' | 'tool_calls'>,
): AnthropicStopReason {
  const mapped = STOP[output.stop_reason];
  return output.tool_calls.length > 0 && mapped === 'end_turn' ? 'tool_use' : mapped;
}

export function messageId(jobId: string): string {
  return `msg_${jobId}`;
}

/**
 * The neutral usage counts cached input inside `input_tokens`; Anthropic counts it apart. Cache
 * and static answers cost no tokens, whatever the cached answer once used.
 */
export function anthropicUsage(record: JobResult): AnthropicUsage {
  const usage = record.source === 'llm' ? record.usage : null;
  const cached = usage?.cached_input_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.input_tokens ?? 0) - cached),
    output_tokens: usage?.output_tokens ?? 0,
    cache_read_input_tokens: usage?.cached_input_tokens ?? null,
    cache_creation_input_tokens: null,
  };
}

/** Text first, then one tool_use block per call, as Claude answers. */
export function contentBlocks(output: CompletionOutput): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = [];
  if (output.text !== '') blocks.push({ type: 'text', text: output.text });
  for (const call of output.tool_calls)
    blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
  return blocks;
}

/** The served answer in Anthropic's shape, whichever provider wrote it. */
export function toAnthropicMessage(record: ServedRecord): AnthropicMessageResponse {
  return {
    id: messageId(record.id),
    type: 'message',
    role: 'assistant',
    model: servedModel(record),
    content: contentBlocks(record.output),
    stop_reason: anthropicStopReason(record.output),
    stop_sequence: null,
    usage: anthropicUsage(record),
  };
}
