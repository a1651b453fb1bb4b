import type { CompletionRequest } from '../ladder/job-schema.js';
import type { Completion, Provider } from '../providers/contract.js';
import type { StreamDelta } from '../providers/streaming/types.js';
import type { AttemptTarget, JobStreamSession } from './session.js';

export interface StreamCallInput {
  provider: Provider;
  session: JobStreamSession;
  target: AttemptTarget;
  model: string;
  request: CompletionRequest;
  timeoutMs: number;
  /** `fallback.stream_idle_ms`. */
  idleMs: number;
  signal?: AbortSignal;
}

/**
 * Providers refuse a prefill ending in whitespace (Anthropic says so), so it is sent trimmed; the
 * continuation then usually starts with the whitespace again, which must not be doubled.
 */
function continuationFilter(prefill: string, onDelta: (d: StreamDelta) => void) {
  let strip = prefill.length !== prefill.trimEnd().length;
  return (delta: StreamDelta): void => {
    if (!strip || delta.kind !== 'text') {
      if (delta.kind !== 'text' || delta.text !== '') strip = false;
      onDelta(delta);
      return;
    }
    const text = delta.text.replace(/^\s+/, '');
    if (text === '') return;
    strip = false;
    onDelta({ kind: 'text', text });
  };
}

/**
 * One provider call of a streamed job: its pieces go to the job's stream as they arrive. After
 * a cut, a target that continues prefills is asked to continue the text readers hold; the answer
 * it returns is then that text plus the continuation, exactly what the stream carries.
 */
export async function callStreaming(input: StreamCallInput): Promise<Completion> {
  const { provider, session } = input;
  const { prefill } = session.begin(input.target, {
    canContinue: provider.continuesPrefill === true && provider.stream !== undefined,
  });
  const request: CompletionRequest =
    prefill === null
      ? input.request
      : {
          ...input.request,
          messages: [...input.request.messages, { role: 'assistant', content: prefill.trimEnd() }],
        };
  const args = {
    model: input.model,
    request,
    timeoutMs: input.timeoutMs,
    ...(input.signal ? { signal: input.signal } : {}),
  };
  if (!provider.stream) {
    const completion = await provider.complete(args);
    session.whole(completion.output, input.target);
    return completion;
  }
  const onDelta = (delta: StreamDelta): void => session.delta(delta);
  const completion = await provider.stream({
    ...args,
    idleMs: input.idleMs,
    onDelta: prefill === null ? onDelta : continuationFilter(prefill, onDelta),
  });
  if (prefill === null) return completion;
  return { ...completion, output: { ...completion.output, text: session.text } };
}
