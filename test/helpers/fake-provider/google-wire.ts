import type { FakeStop } from './behaviours.js';
import type { WireFormat } from './wire-format.js';

const STOP: Record<FakeStop, string> = {
  end: 'STOP',
  max_tokens: 'MAX_TOKENS',
  stop_sequence: 'STOP',
  tool: 'STOP',
  content_filter: 'SAFETY',
  unknown: 'MYSTERY_REASON',
};

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const PATH = /^\/v1beta\/models\/([^/:]+):generateContent$/;

/** Gemini API: POST /v1beta/models/{model}:generateContent; httpOptions.baseUrl is the server root. */
export const googleWire: WireFormat = {
  route(method, path) {
    if (method !== 'POST') return null;
    const match = PATH.exec(path);
    return match?.[1] === undefined ? null : decodeURIComponent(match[1]);
  },
  success(model, reply, callNumber) {
    const parts: unknown[] = [];
    if (reply.text !== '') parts.push({ text: reply.text });
    // Gemini function calls carry no id, so none is sent.
    for (const call of reply.toolCalls)
      parts.push({ functionCall: { name: call.name, args: call.arguments } });
    return {
      candidates: [{ content: { role: 'model', parts }, finishReason: STOP[reply.stop], index: 0 }],
      ...(reply.usage === null
        ? {}
        : {
            usageMetadata: {
              promptTokenCount: reply.usage.input_tokens,
              candidatesTokenCount: reply.usage.output_tokens,
              totalTokenCount: reply.usage.input_tokens + reply.usage.output_tokens,
              ...(reply.usage.cached_input_tokens === undefined
                ? {}
                : { cachedContentTokenCount: reply.usage.cached_input_tokens }),
            },
          }),
      modelVersion: model,
      responseId: `fake-response-${callNumber}`,
    };
  },
  error(status, message, errorType, retryAfterSeconds) {
    const details =
      retryAfterSeconds === undefined
        ? undefined
        : [
            {
              '@type': 'type.googleapis.com/google.rpc.RetryInfo',
              retryDelay: `${retryAfterSeconds}s`,
            },
          ];
    return {
      error: {
        code: status,
        message,
        status: errorType ?? STATUS[status] ?? 'UNKNOWN',
        ...(details ? { details } : {}),
      },
    };
  },
  contextLengthMessage:
    'The input token count (1212345) exceeds the maximum number of tokens allowed (1048576).',
  retryAfterHeader: false,
};
