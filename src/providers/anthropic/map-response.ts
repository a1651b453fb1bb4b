import type { Completion, Usage } from '../contract.js';
import { malformedFailure, type FailureContext } from '../failure.js';
import type { ToolCall } from '../../ladder/job-schema.js';
import { mapAnthropicStopReason } from './map-stop-reason.js';
import { isRecord, count } from '../wire-values.js';

/**
 * Anthropic's `input_tokens` excludes cache reads and writes; the normalised `input_tokens` counts
 * every input token, with `cached_input_tokens` the part read from the cache.
 */
export function mapUsage(usage: unknown): Usage | null {
  if (!isRecord(usage)) return null;
  const cached = count(usage.cache_read_input_tokens);
  const written = count(usage.cache_creation_input_tokens);
  const mapped: Usage = {
    input_tokens: count(usage.input_tokens) + cached + written,
    output_tokens: count(usage.output_tokens),
  };
  if (cached > 0) mapped.cached_input_tokens = cached;
  return mapped;
}

/**
 * Messages API response → normalised completion. Takes `unknown` because the SDK returns whatever
 * JSON the server sent: a body without `content` is a malformed answer, not a crash.
 */
export function mapResponse(ctx: FailureContext, body: unknown): Completion {
  if (!isRecord(body) || !Array.isArray(body.content)) {
    throw malformedFailure(ctx, 'response has no content array');
  }
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of body.content as unknown[]) {
    if (!isRecord(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') {
      text += block.text;
    } else if (block.type === 'tool_use') {
      if (typeof block.id !== 'string' || typeof block.name !== 'string') {
        throw malformedFailure(ctx, 'tool_use block without id or name');
      }
      if (block.input !== undefined && !isRecord(block.input)) {
        throw malformedFailure(ctx, `tool call ${block.name} has input that is not an object`);
      }
      toolCalls.push({ id: block.id, name: block.name, arguments: block.input ?? {} });
    }
    // Thinking and server-tool blocks are not part of the normalised output.
  }
  const raw = typeof body.stop_reason === 'string' ? body.stop_reason : null;
  return {
    output: {
      text,
      tool_calls: toolCalls,
      stop_reason: mapAnthropicStopReason(raw),
      raw_stop_reason: raw,
    },
    usage: mapUsage(body.usage),
  };
}
