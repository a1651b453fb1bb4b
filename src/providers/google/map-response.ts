import type { Completion, Usage } from '../contract.js';
import { malformedFailure, type FailureContext } from '../failure.js';
import type { ToolCall } from '../../ladder/job-schema.js';
import { mapGeminiStopReason } from './map-stop-reason.js';
import { synthesizeToolCallId } from './tool-call-id.js';
import { isRecord, count } from '../wire-values.js';

/** `promptTokenCount` includes cached content; thinking tokens are billed as output. */
export function mapUsage(usage: unknown): Usage | null {
  if (!isRecord(usage)) return null;
  const mapped: Usage = {
    input_tokens: count(usage.promptTokenCount) + count(usage.toolUsePromptTokenCount),
    output_tokens: count(usage.candidatesTokenCount) + count(usage.thoughtsTokenCount),
  };
  const cached = count(usage.cachedContentTokenCount);
  if (cached > 0) mapped.cached_input_tokens = cached;
  return mapped;
}

function readParts(ctx: FailureContext, parts: unknown[], responseId: string) {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const part of parts) {
    if (!isRecord(part)) continue;
    // Thought summaries are not part of the answer.
    if (typeof part.text === 'string' && part.thought !== true) text += part.text;
    const call = part.functionCall;
    if (isRecord(call)) {
      if (typeof call.name !== 'string') throw malformedFailure(ctx, 'functionCall without a name');
      if (call.args !== undefined && !isRecord(call.args)) {
        throw malformedFailure(ctx, `function call ${call.name} has args that are not an object`);
      }
      const args = isRecord(call.args) ? call.args : {};
      const id =
        typeof call.id === 'string' && call.id !== ''
          ? call.id
          : synthesizeToolCallId({ responseId, index: toolCalls.length, name: call.name, args });
      toolCalls.push({ id, name: call.name, arguments: args });
    }
  }
  return { text, toolCalls };
}

/** GenerateContentResponse → normalised completion. */
export function mapResponse(ctx: FailureContext, body: unknown): Completion {
  if (!isRecord(body)) throw malformedFailure(ctx, 'response is not an object');
  const usage = mapUsage(body.usageMetadata);
  const candidate: unknown = Array.isArray(body.candidates) ? body.candidates[0] : undefined;
  if (!isRecord(candidate)) {
    // No candidate at all: the prompt itself was blocked, or the body is not a Gemini answer.
    const feedback = body.promptFeedback;
    if (isRecord(feedback) && typeof feedback.blockReason === 'string') {
      return {
        output: {
          text: '',
          tool_calls: [],
          stop_reason: 'content_filter',
          raw_stop_reason: feedback.blockReason,
        },
        usage,
      };
    }
    throw malformedFailure(ctx, 'response has no candidates');
  }
  const content = candidate.content;
  const parts: unknown[] = isRecord(content) && Array.isArray(content.parts) ? content.parts : [];
  const responseId = typeof body.responseId === 'string' ? body.responseId : '';
  const { text, toolCalls } = readParts(ctx, parts, responseId);
  const raw = typeof candidate.finishReason === 'string' ? candidate.finishReason : null;
  return {
    output: {
      text,
      tool_calls: toolCalls,
      stop_reason: mapGeminiStopReason(raw, toolCalls.length > 0),
      raw_stop_reason: raw,
    },
    usage,
  };
}
