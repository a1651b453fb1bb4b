import type { GoogleGenAI } from '@google/genai';
import type { Completion } from '../contract.js';
import { malformedFailure, type FailureContext } from '../failure.js';
import { StreamAccumulator } from '../streaming/accumulator.js';
import { endedEarly, mapStreamFailure, streamSignal } from '../streaming/failures.js';
import type { StreamArgs } from '../streaming/types.js';
import { paced } from '../streaming/watchdog.js';
import { mapGoogleError } from './map-error.js';
import { mapRequest } from './map-request.js';
import { mapUsage } from './map-response.js';
import { mapGeminiStopReason } from './map-stop-reason.js';
import { synthesizeToolCallId } from './tool-call-id.js';
import { isRecord } from '../wire-values.js';

interface StreamEnd {
  finish: string | null;
  usage: unknown;
  blocked: string | null;
  responseId: string;
}

function applyParts(ctx: FailureContext, parts: unknown[], acc: StreamAccumulator, end: StreamEnd) {
  for (const part of parts) {
    if (!isRecord(part)) continue;
    if (typeof part.text === 'string' && part.thought !== true) acc.addText(part.text);
    const call = part.functionCall;
    if (!isRecord(call)) continue;
    if (typeof call.name !== 'string') throw malformedFailure(ctx, 'functionCall without a name');
    if (call.args !== undefined && !isRecord(call.args)) {
      throw malformedFailure(ctx, `function call ${call.name} has args that are not an object`);
    }
    // Gemini sends each call whole, in one chunk: one piece carries all of its arguments.
    const args = isRecord(call.args) ? call.args : {};
    const index = acc.toolCallCount;
    const id =
      typeof call.id === 'string' && call.id !== ''
        ? call.id
        : synthesizeToolCallId({ responseId: end.responseId, index, name: call.name, args });
    acc.addToolCall(index, { id, name: call.name, arguments: JSON.stringify(args) });
  }
}

function apply(ctx: FailureContext, chunk: unknown, acc: StreamAccumulator, end: StreamEnd): void {
  if (!isRecord(chunk)) throw malformedFailure(ctx, 'stream chunk is not an object');
  if (typeof chunk.responseId === 'string') end.responseId = chunk.responseId;
  if (chunk.usageMetadata !== undefined) end.usage = chunk.usageMetadata;
  const feedback = chunk.promptFeedback;
  if (isRecord(feedback) && typeof feedback.blockReason === 'string') {
    end.blocked = feedback.blockReason;
  }
  const candidate: unknown = Array.isArray(chunk.candidates) ? chunk.candidates[0] : undefined;
  if (!isRecord(candidate)) return;
  const content = candidate.content;
  if (isRecord(content) && Array.isArray(content.parts)) applyParts(ctx, content.parts, acc, end);
  if (typeof candidate.finishReason === 'string') end.finish = candidate.finishReason;
}

/** generateContentStream (`:streamGenerateContent?alt=sse`), pieces handed on as they arrive. */
export async function streamGoogle(
  client: GoogleGenAI,
  ctx: FailureContext,
  args: StreamArgs,
): Promise<Completion> {
  const { model, request, timeoutMs, idleMs, signal } = args;
  const controller = new AbortController();
  const acc = new StreamAccumulator(args.onDelta);
  const end: StreamEnd = { finish: null, usage: undefined, blocked: null, responseId: '' };
  const params = mapRequest(model, request);
  params.config = {
    ...params.config,
    // The SDK's timeout stays armed while the body is read, which would cut long answers: 0 turns
    // it off, and the header timer below plus the watchdog's limits take its place.
    httpOptions: { timeout: 0 },
    abortSignal: streamSignal(controller, signal),
  };
  try {
    const headers = setTimeout(() => controller.abort(), timeoutMs);
    const stream = await client.models
      .generateContentStream(params)
      .finally(() => clearTimeout(headers));
    for await (const chunk of paced(stream, { firstMs: timeoutMs, idleMs, controller })) {
      apply(ctx, chunk, acc, end);
    }
  } catch (error) {
    throw mapStreamFailure(ctx, error, signal, (e) =>
      mapGoogleError({ ctx, error: e, timeoutMs, signal }),
    );
  }
  const usage = mapUsage(end.usage);
  if (end.finish === null && end.blocked !== null) {
    return acc.finish(ctx, { stopReason: 'content_filter', raw: end.blocked, usage });
  }
  if (end.finish === null) throw endedEarly(ctx, signal);
  const stopReason = mapGeminiStopReason(end.finish, acc.toolCallCount > 0);
  return acc.finish(ctx, { stopReason, raw: end.finish, usage });
}
