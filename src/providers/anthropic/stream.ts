import type Anthropic from '@anthropic-ai/sdk';
import type { Completion } from '../contract.js';
import { malformedFailure, type FailureContext } from '../failure.js';
import { StreamAccumulator } from '../streaming/accumulator.js';
import { endedEarly, mapStreamFailure, streamSignal } from '../streaming/failures.js';
import type { StreamArgs } from '../streaming/types.js';
import { paced } from '../streaming/watchdog.js';
import { mapAnthropicError } from './map-error.js';
import { mapRequest } from './map-request.js';
import { mapUsage } from './map-response.js';
import { mapAnthropicStopReason } from './map-stop-reason.js';
import { isRecord } from '../wire-values.js';

/** What the events said so far beyond the content: usage pieces and the stop reason. */
interface StreamEnd {
  usage: Record<string, unknown> | null;
  stopReason: string | null;
  stopped: boolean;
}

/** One raw Messages stream event into the accumulator (text and tool-input pieces) or `end`. */
function apply(
  ctx: FailureContext,
  event: unknown,
  acc: StreamAccumulator,
  end: StreamEnd,
  toolIndex: Map<number, number>,
): void {
  if (!isRecord(event)) throw malformedFailure(ctx, 'stream event is not an object');
  switch (event.type) {
    case 'message_start': {
      const message = event.message;
      if (isRecord(message) && isRecord(message.usage)) end.usage = { ...message.usage };
      return;
    }
    case 'content_block_start': {
      const block = event.content_block;
      if (!isRecord(block) || typeof event.index !== 'number') {
        throw malformedFailure(ctx, 'content_block_start without a block or index');
      }
      if (block.type === 'text' && typeof block.text === 'string') acc.addText(block.text);
      if (block.type === 'tool_use') {
        if (typeof block.id !== 'string' || typeof block.name !== 'string') {
          throw malformedFailure(ctx, 'tool_use block without id or name');
        }
        // Tool calls are numbered among themselves, not among all content blocks.
        const index = toolIndex.size;
        toolIndex.set(event.index, index);
        acc.addToolCall(index, { id: block.id, name: block.name });
      }
      return;
    }
    case 'content_block_delta': {
      const delta = event.delta;
      if (!isRecord(delta) || typeof event.index !== 'number') {
        throw malformedFailure(ctx, 'content_block_delta without a delta or index');
      }
      if (delta.type === 'text_delta' && typeof delta.text === 'string') acc.addText(delta.text);
      if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
        const index = toolIndex.get(event.index);
        if (index === undefined) throw malformedFailure(ctx, 'input_json_delta for no tool_use');
        acc.addToolCall(index, { arguments: delta.partial_json });
      }
      return;
    }
    case 'message_delta': {
      const delta = event.delta;
      if (isRecord(delta) && typeof delta.stop_reason === 'string')
        end.stopReason = delta.stop_reason;
      // Its usage is cumulative and may repeat the input counts: later values win.
      if (isRecord(event.usage)) {
        const fresh = Object.entries(event.usage).filter(([, v]) => v !== null);
        end.usage = { ...(end.usage ?? {}), ...Object.fromEntries(fresh) };
      }
      return;
    }
    case 'message_stop':
      end.stopped = true;
      return;
    default:
      // content_block_stop, ping and event types added later carry nothing we keep.
      return;
  }
}

/** Messages API with `stream: true`, each text or tool-input piece handed on as it arrives. */
export async function streamAnthropic(
  client: Anthropic,
  ctx: FailureContext,
  args: StreamArgs,
): Promise<Completion> {
  const { model, request, timeoutMs, idleMs, signal } = args;
  const controller = new AbortController();
  const acc = new StreamAccumulator(args.onDelta);
  const end: StreamEnd = { usage: null, stopReason: null, stopped: false };
  const toolIndex = new Map<number, number>();
  try {
    const stream = await client.messages.create(
      { ...mapRequest(model, request), stream: true },
      { timeout: timeoutMs, maxRetries: 0, signal: streamSignal(controller, signal) },
    );
    for await (const event of paced(stream, { firstMs: timeoutMs, idleMs, controller })) {
      apply(ctx, event, acc, end, toolIndex);
    }
  } catch (error) {
    throw mapStreamFailure(ctx, error, signal, (e) =>
      mapAnthropicError({ ctx, error: e, timeoutMs, signal }),
    );
  }
  if (!end.stopped) throw endedEarly(ctx, signal);
  return acc.finish(ctx, {
    stopReason: mapAnthropicStopReason(end.stopReason),
    raw: end.stopReason,
    usage: mapUsage(end.usage ?? undefined),
  });
}
