import type { Completion, StopReason, Usage } from '../contract.js';
import { malformedFailure, type FailureContext } from '../failure.js';
import { parseToolArguments } from '../parse-tool-arguments.js';
import type { ToolCall } from '../../ladder/job-schema.js';
import type { StreamDelta } from './types.js';

interface PendingCall {
  id: string;
  name: string;
  json: string;
}

/**
 * Passes each piece on and keeps the sum of them, so the completion a stream ends with is, by
 * construction, exactly what its deltas add up to.
 */
export class StreamAccumulator {
  private text = '';
  private readonly calls = new Map<number, PendingCall>();
  /** Characters handed on so far (text and tool-call arguments). */
  sentChars = 0;

  constructor(private readonly onDelta: (delta: StreamDelta) => void) {}

  addText(text: string): void {
    if (text === '') return;
    this.text += text;
    this.sentChars += text.length;
    this.onDelta({ kind: 'text', text });
  }

  /** A piece of tool call `index`; its id and name come with the first piece. */
  addToolCall(index: number, piece: { id?: string; name?: string; arguments?: string }): void {
    const known = this.calls.get(index);
    const call = known ?? { id: '', name: '', json: '' };
    if (!known) this.calls.set(index, call);
    if (piece.id) call.id = piece.id;
    if (piece.name) call.name += piece.name;
    const json = piece.arguments ?? '';
    call.json += json;
    this.sentChars += json.length;
    this.onDelta({
      kind: 'tool_call',
      index,
      ...(piece.id ? { id: piece.id } : {}),
      ...(piece.name ? { name: piece.name } : {}),
      arguments: json,
    });
  }

  /** Throws the malformed ProviderError of a call without id or name or with bad JSON. */
  finish(
    ctx: FailureContext,
    end: { stopReason: StopReason; raw: string | null; usage: Usage | null },
  ): Completion {
    const toolCalls: ToolCall[] = [];
    for (const [, call] of [...this.calls].sort(([a], [b]) => a - b)) {
      if (call.id === '' || call.name === '') {
        throw malformedFailure(ctx, `streamed tool call ${call.name || call.id} has no id or name`);
      }
      const parsed = parseToolArguments(ctx, call.name || '(unnamed)', call.json);
      if (!parsed.ok) throw parsed.error;
      toolCalls.push({ id: call.id, name: call.name, arguments: parsed.value });
    }
    return {
      output: {
        text: this.text,
        tool_calls: toolCalls,
        stop_reason: end.stopReason,
        raw_stop_reason: end.raw,
      },
      usage: end.usage,
    };
  }

  get toolCallCount(): number {
    return this.calls.size;
  }
}
