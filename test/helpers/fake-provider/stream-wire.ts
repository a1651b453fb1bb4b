import type { FakeProviderName, ReplySpec } from './behaviours.js';

/** A streamed reply in one provider's SSE dialect, cut into what comes before, during and after. */
export interface SseScript {
  preamble: string[];
  /** One SSE event per content chunk (text pieces, then tool-call pieces). */
  chunks: string[];
  trailer: string[];
  /** An event that does not parse, in this dialect's framing. */
  malformed: string;
}

export interface StreamRequest {
  provider: FakeProviderName;
  model: string;
}

const GOOGLE_STREAM = /^\/v1beta\/models\/([^/:]+):streamGenerateContent$/;

/** Which requests ask for a stream: Anthropic and OpenAI by `stream: true`, Gemini by its path. */
export function streamRequestOf(method: string, path: string, body: unknown): StreamRequest | null {
  if (method !== 'POST') return null;
  const match = GOOGLE_STREAM.exec(path);
  if (match?.[1] !== undefined) return { provider: 'google', model: decodeURIComponent(match[1]) };
  if (typeof body !== 'object' || body === null) return null;
  const { stream, model } = body as { stream?: unknown; model?: unknown };
  if (stream !== true || typeof model !== 'string') return null;
  if (path === '/v1/messages') return { provider: 'anthropic', model };
  if (path === '/v1/chat/completions') return { provider: 'openai', model };
  return null;
}

const sse = (data: unknown, event?: string): string =>
  `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** Tool arguments in two pieces, to show they are joined. */
function argumentPieces(args: ReplySpec['toolCalls'][number]['arguments']): string[] {
  const json = typeof args === 'string' ? args : JSON.stringify(args);
  const half = Math.floor(json.length / 2);
  return [json.slice(0, half), json.slice(half)];
}

const ANTHROPIC_STOP = {
  end: 'end_turn',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  tool: 'tool_use',
  content_filter: 'refusal',
  unknown: 'mystery_reason',
} as const;
const OPENAI_STOP = {
  end: 'stop',
  max_tokens: 'length',
  stop_sequence: 'stop',
  tool: 'tool_calls',
  content_filter: 'content_filter',
  unknown: 'mystery_reason',
} as const;
const GOOGLE_STOP = {
  end: 'STOP',
  max_tokens: 'MAX_TOKENS',
  stop_sequence: 'STOP',
  tool: 'STOP',
  content_filter: 'SAFETY',
  unknown: 'MYSTERY_REASON',
} as const;

function anthropicScript(model: string, reply: ReplySpec, pieces: string[], n: number): SseScript {
  const usage = reply.usage;
  const chunks = pieces.map((text) =>
    sse(
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
      'content_block_delta',
    ),
  );
  const trailer: string[] = [sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop')];
  reply.toolCalls.forEach((call, i) => {
    const index = i + 1;
    chunks.push(
      sse(
        {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
        },
        'content_block_start',
      ),
      ...argumentPieces(call.arguments).map((partial_json) =>
        sse(
          { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } },
          'content_block_delta',
        ),
      ),
      sse({ type: 'content_block_stop', index }, 'content_block_stop'),
    );
  });
  trailer.push(
    sse(
      {
        type: 'message_delta',
        delta: { stop_reason: ANTHROPIC_STOP[reply.stop], stop_sequence: null },
        ...(usage ? { usage: { output_tokens: usage.output_tokens } } : {}),
      },
      'message_delta',
    ),
    sse({ type: 'message_stop' }, 'message_stop'),
  );
  return {
    preamble: [
      sse(
        {
          type: 'message_start',
          message: {
            id: `msg_fake_${n}`,
            type: 'message',
            role: 'assistant',
            model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            ...(usage
              ? {
                  usage: {
                    input_tokens: usage.input_tokens,
                    output_tokens: 1,
                    cache_read_input_tokens: usage.cached_input_tokens ?? 0,
                    cache_creation_input_tokens: 0,
                  },
                }
              : {}),
          },
        },
        'message_start',
      ),
      sse(
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        'content_block_start',
      ),
    ],
    chunks,
    trailer,
    malformed:
      'event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {"ty\n\n',
  };
}

function openaiScript(
  model: string,
  reply: ReplySpec,
  pieces: string[],
  n: number,
  includeUsage: boolean,
): SseScript {
  const base = {
    id: `chatcmpl-fake-${n}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
  };
  const chunk = (delta: unknown, finish: string | null = null): string =>
    sse({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const chunks = pieces.map((content) => chunk({ content }));
  reply.toolCalls.forEach((call, index) => {
    chunks.push(
      chunk({
        tool_calls: [
          { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
        ],
      }),
    );
    for (const piece of argumentPieces(call.arguments))
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  const usage = reply.usage;
  return {
    preamble: [chunk({ role: 'assistant', content: '', refusal: null })],
    chunks,
    trailer: [
      chunk({}, OPENAI_STOP[reply.stop]),
      ...(includeUsage && usage
        ? [
            sse({
              ...base,
              choices: [],
              usage: {
                prompt_tokens: usage.input_tokens,
                completion_tokens: usage.output_tokens,
                total_tokens: usage.input_tokens + usage.output_tokens,
                prompt_tokens_details: { cached_tokens: usage.cached_input_tokens ?? 0 },
              },
            }),
          ]
        : []),
      'data: [DONE]\n\n',
    ],
    malformed: 'data: {"id": "chatcmpl-broken", "choices": [{"delta": {"cont\n\n',
  };
}

function googleScript(model: string, reply: ReplySpec, pieces: string[], n: number): SseScript {
  const usage = reply.usage;
  const usageMetadata = usage
    ? {
        promptTokenCount: usage.input_tokens,
        candidatesTokenCount: usage.output_tokens,
        totalTokenCount: usage.input_tokens + usage.output_tokens,
      }
    : undefined;
  const response = (parts: unknown[], finish?: string): string =>
    sse({
      candidates: [
        {
          content: { role: 'model', parts },
          index: 0,
          ...(finish ? { finishReason: finish } : {}),
        },
      ],
      ...(usageMetadata ? { usageMetadata } : {}),
      modelVersion: model,
      responseId: `fake-response-${n}`,
    });
  const chunks = pieces.map((text) => response([{ text }]));
  for (const call of reply.toolCalls)
    chunks.push(response([{ functionCall: { name: call.name, args: call.arguments } }]));
  return {
    preamble: [],
    chunks,
    trailer: [response([], GOOGLE_STOP[reply.stop])],
    malformed: 'data: {"candidates": [{"content": {"par\n\n',
  };
}

export function sseScript(input: {
  provider: FakeProviderName;
  model: string;
  reply: ReplySpec;
  pieces: string[];
  callNumber: number;
  includeUsage: boolean;
}): SseScript {
  const { provider, model, reply, pieces, callNumber } = input;
  switch (provider) {
    case 'anthropic':
      return anthropicScript(model, reply, pieces, callNumber);
    case 'openai':
      return openaiScript(model, reply, pieces, callNumber, input.includeUsage);
    case 'google':
      return googleScript(model, reply, pieces, callNumber);
  }
}
