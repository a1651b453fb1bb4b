import type { Completion, Usage } from '../contract.js';
import { malformedFailure, type FailureContext } from '../failure.js';
import { parseToolArguments } from '../parse-tool-arguments.js';
import type { ToolCall } from '../../ladder/job-schema.js';
import { mapOpenAIStopReason } from './map-stop-reason.js';
import { isRecord, count } from '../wire-values.js';

/** `prompt_tokens` already includes the cached part, which is the normalised convention too. */
export function mapUsage(usage: unknown): Usage | null {
  if (!isRecord(usage)) return null;
  const mapped: Usage = {
    input_tokens: count(usage.prompt_tokens),
    output_tokens: count(usage.completion_tokens),
  };
  const details = usage.prompt_tokens_details;
  const cached = isRecord(details) ? count(details.cached_tokens) : 0;
  if (cached > 0) mapped.cached_input_tokens = cached;
  return mapped;
}

function mapToolCalls(ctx: FailureContext, raw: unknown): ToolCall[] {
  if (!Array.isArray(raw)) return [];
  const calls: ToolCall[] = [];
  for (const item of raw as unknown[]) {
    // Custom (free-text) tools are never declared by us, so only function calls are expected.
    if (!isRecord(item) || !isRecord(item.function)) continue;
    const { name, arguments: args } = item.function;
    if (typeof item.id !== 'string' || typeof name !== 'string') {
      throw malformedFailure(ctx, 'tool call without id or name');
    }
    const parsed = parseToolArguments(ctx, name, typeof args === 'string' ? args : null);
    if (!parsed.ok) throw parsed.error;
    calls.push({ id: item.id, name, arguments: parsed.value });
  }
  return calls;
}

/** chat.completion body → normalised completion; invalid tool-call JSON is a malformed answer. */
export function mapResponse(ctx: FailureContext, body: unknown): Completion {
  if (!isRecord(body) || !Array.isArray(body.choices)) {
    throw malformedFailure(ctx, 'response has no choices');
  }
  const choice: unknown = body.choices[0];
  if (!isRecord(choice) || !isRecord(choice.message)) {
    throw malformedFailure(ctx, 'response has no message');
  }
  const message = choice.message;
  const raw = typeof choice.finish_reason === 'string' ? choice.finish_reason : null;
  let stopReason = mapOpenAIStopReason(raw);
  let text = typeof message.content === 'string' ? message.content : '';
  // A refusal comes in its own field with no content; surface it as filtered text.
  if (text === '' && typeof message.refusal === 'string' && message.refusal !== '') {
    text = message.refusal;
    stopReason = 'content_filter';
  }
  return {
    output: {
      text,
      tool_calls: mapToolCalls(ctx, message.tool_calls),
      stop_reason: stopReason,
      raw_stop_reason: raw,
    },
    usage: mapUsage(body.usage),
  };
}
