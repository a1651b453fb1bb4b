import {
  completionId,
  createdSeconds,
  finishReason,
  openAiToolCalls,
  openAiUsage,
  servedModel,
  type FinishReason,
  type OpenAiUsage,
  type ServedRecord,
} from './to-completion.js';

/** Characters per content chunk: small enough to look like a stream, few enough to stay cheap. */
export const CHUNK_CHARS = 48;

export interface ChunkDelta {
  role?: 'assistant';
  content?: string;
  refusal?: null;
  tool_calls?: Array<{
    index: number;
    id: string;
    type: 'function';
    function: { name: string; arguments: string };
  }>;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    delta: ChunkDelta;
    logprobs: null;
    finish_reason: FinishReason | null;
  }>;
  /** Present (null until the last chunk) only when `stream_options.include_usage` asked for it. */
  usage?: OpenAiUsage | null;
}

/**
 * Splits text into pieces of at most `size` characters, cutting after whitespace where it can and
 * never inside a surrogate pair, so the pieces join back to exactly the text.
 */
export function splitText(text: string, size: number = CHUNK_CHARS): string[] {
  const chars = Array.from(text);
  const pieces: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = Math.min(start + size, chars.length);
    if (end < chars.length) {
      for (let i = end; i > start + size / 2; i--) {
        if (/\s/.test(chars[i - 1] ?? '')) {
          end = i;
          break;
        }
      }
    }
    pieces.push(chars.slice(start, end).join(''));
    start = end;
  }
  return pieces;
}

/**
 * The finished answer as OpenAI's chunk sequence: role, content pieces, tool calls, the finish
 * reason, and the usage chunk when asked for. The ladder answers only once a job is done, so the
 * pieces arrive together; clients that render streams work unchanged.
 */
export function toChunks(
  record: ServedRecord,
  options: { includeUsage: boolean },
): ChatCompletionChunk[] {
  const base = {
    id: completionId(record.id),
    object: 'chat.completion.chunk' as const,
    created: createdSeconds(record),
    model: servedModel(record),
  };
  const usageField = options.includeUsage ? { usage: null } : {};
  const chunk = (delta: ChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...usageField,
  });
  const chunks: ChatCompletionChunk[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const piece of splitText(record.output.text)) chunks.push(chunk({ content: piece }));
  const calls = openAiToolCalls(record.output.tool_calls);
  if (calls.length > 0) {
    chunks.push(chunk({ tool_calls: calls.map((call, index) => ({ index, ...call })) }));
  }
  chunks.push(chunk({}, finishReason(record.output)));
  if (options.includeUsage) chunks.push({ ...base, choices: [], usage: openAiUsage(record) });
  return chunks;
}

/** One Server-Sent Event per chunk, then the `[DONE]` sentinel the SDKs stop on. */
export function toSse(chunks: readonly ChatCompletionChunk[]): string {
  return chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n';
}
