import type { Completion } from '../contract.js';
import type { CompletionRequest } from '../../ladder/job-schema.js';
import { StreamAccumulator } from '../streaming/accumulator.js';
import type { StreamArgs } from '../streaming/types.js';

/** Words with the whitespace after them: the pieces join back to exactly the text. */
export function wordChunks(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/**
 * A trailing assistant message is a prefill: the simulated model continues it, answering with
 * the rest of what it would have said (or all of it, after a space, when the prefill differs).
 */
export function continuePrefill(request: CompletionRequest, completion: Completion): Completion {
  const last = request.messages[request.messages.length - 1];
  const prefill = last?.role === 'assistant' ? (last.content ?? '') : '';
  if (prefill === '' || completion.output.tool_calls.length > 0) return completion;
  const full = completion.output.text;
  const rest = full.startsWith(prefill) ? full.slice(prefill.length) : ` ${full}`;
  return { ...completion, output: { ...completion.output, text: rest } };
}

export interface SimulatedStreamInput {
  args: StreamArgs;
  completion: Completion;
  chunkDelayMs: number;
  /** Resolves after `ms`, or early with false when the signal fires. */
  pause: (ms: number, signal: AbortSignal | undefined) => Promise<boolean>;
}

/**
 * Hands the simulated answer on word by word, `chunkDelayMs` apart. Returns null when the
 * caller's signal fired in between (the adapter turns that into its aborted failure).
 */
export async function streamSimulated(input: SimulatedStreamInput): Promise<Completion | null> {
  const { args, completion } = input;
  const acc = new StreamAccumulator(args.onDelta);
  const pieces = wordChunks(completion.output.text);
  for (const [i, piece] of pieces.entries()) {
    if (i > 0 && input.chunkDelayMs > 0) {
      if (!(await input.pause(input.chunkDelayMs, args.signal))) return null;
    }
    acc.addText(piece);
  }
  completion.output.tool_calls.forEach((call, index) =>
    acc.addToolCall(index, {
      id: call.id,
      name: call.name,
      arguments: JSON.stringify(call.arguments),
    }),
  );
  return acc.finish(
    { provider: 'simulated', model: args.model },
    {
      stopReason: completion.output.stop_reason,
      raw: completion.output.raw_stop_reason,
      usage: completion.usage,
    },
  );
}
