import type OpenAI from 'openai';
import type { Completion } from '../contract.js';
import { malformedFailure, type FailureContext } from '../failure.js';
import { StreamAccumulator } from '../streaming/accumulator.js';
import { endedEarly, mapStreamFailure, streamSignal } from '../streaming/failures.js';
import type { StreamArgs } from '../streaming/types.js';
import { paced } from '../streaming/watchdog.js';
import { mapOpenAIError } from './map-error.js';
import { mapRequest } from './map-request.js';
import { mapUsage } from './map-response.js';
import { mapOpenAIStopReason } from './map-stop-reason.js';
import { isRecord } from '../wire-values.js';

interface StreamEnd {
  finish: string | null;
  usage: unknown;
  refusal: string;
}

function applyToolCalls(ctx: FailureContext, raw: unknown, acc: StreamAccumulator): void {
  if (!Array.isArray(raw)) return;
  for (const item of raw as unknown[]) {
    if (!isRecord(item) || typeof item.index !== 'number') {
      throw malformedFailure(ctx, 'streamed tool call without an index');
    }
    const fn = isRecord(item.function) ? item.function : {};
    acc.addToolCall(item.index, {
      ...(typeof item.id === 'string' ? { id: item.id } : {}),
      ...(typeof fn.name === 'string' ? { name: fn.name } : {}),
      ...(typeof fn.arguments === 'string' ? { arguments: fn.arguments } : {}),
    });
  }
}

/** One chat.completion.chunk into the accumulator; the usage chunk has no choices. */
function apply(ctx: FailureContext, chunk: unknown, acc: StreamAccumulator, end: StreamEnd): void {
  if (!isRecord(chunk)) throw malformedFailure(ctx, 'stream chunk is not an object');
  if (chunk.usage !== undefined && chunk.usage !== null) end.usage = chunk.usage;
  if (!Array.isArray(chunk.choices)) throw malformedFailure(ctx, 'stream chunk has no choices');
  const choice: unknown = chunk.choices[0];
  if (choice === undefined) return;
  if (!isRecord(choice)) throw malformedFailure(ctx, 'stream chunk choice is not an object');
  const delta = isRecord(choice.delta) ? choice.delta : {};
  if (typeof delta.content === 'string') acc.addText(delta.content);
  // A refusal streams in its own field; like the non-streamed answer, it becomes the text.
  if (typeof delta.refusal === 'string') end.refusal += delta.refusal;
  applyToolCalls(ctx, delta.tool_calls, acc);
  if (typeof choice.finish_reason === 'string') end.finish = choice.finish_reason;
}

/** Chat Completions with `stream: true` and usage included in the last chunk. */
export async function streamOpenAI(
  client: OpenAI,
  ctx: FailureContext,
  args: StreamArgs,
): Promise<Completion> {
  const { model, request, timeoutMs, idleMs, signal } = args;
  const controller = new AbortController();
  const acc = new StreamAccumulator(args.onDelta);
  const end: StreamEnd = { finish: null, usage: null, refusal: '' };
  try {
    const stream = await client.chat.completions.create(
      { ...mapRequest(model, request), stream: true, stream_options: { include_usage: true } },
      { timeout: timeoutMs, maxRetries: 0, signal: streamSignal(controller, signal) },
    );
    for await (const chunk of paced(stream, { firstMs: timeoutMs, idleMs, controller })) {
      apply(ctx, chunk, acc, end);
    }
  } catch (error) {
    throw mapStreamFailure(ctx, error, signal, (e) =>
      mapOpenAIError({ ctx, error: e, timeoutMs, signal }),
    );
  }
  // The SDK stops at `[DONE]`; without a finish reason the answer was cut short.
  if (end.finish === null) throw endedEarly(ctx, signal);
  let stopReason = mapOpenAIStopReason(end.finish);
  if (end.refusal !== '' && acc.sentChars === 0) {
    acc.addText(end.refusal);
    stopReason = 'content_filter';
  }
  return acc.finish(ctx, { stopReason, raw: end.finish, usage: mapUsage(end.usage) });
}
