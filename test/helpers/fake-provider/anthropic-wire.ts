import type { FakeStop } from './behaviours.js';
import { modelFromBody, type WireFormat } from './wire-format.js';

const STOP: Record<FakeStop, string> = {
  end: 'end_turn',
  max_tokens: 'max_tokens',
  stop_sequence: 'stop_sequence',
  tool: 'tool_use',
  content_filter: 'refusal',
  unknown: 'mystery_reason',
};

const ERROR_TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** Anthropic Messages API: POST /v1/messages; the SDK's baseURL is the server root. */
export const anthropicWire: WireFormat = {
  route: (method, path, body) =>
    method === 'POST' && path === '/v1/messages' ? modelFromBody(body) : null,
  success(model, reply, callNumber) {
    const content: unknown[] = [];
    if (reply.text !== '') content.push({ type: 'text', text: reply.text });
    for (const call of reply.toolCalls) {
      // Anthropic sends input as an object; a string stands in for "arguments that are not an object".
      content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
    }
    return {
      id: `msg_fake_${callNumber}`,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: STOP[reply.stop],
      stop_sequence: null,
      ...(reply.usage === null
        ? {}
        : {
            usage: {
              input_tokens: reply.usage.input_tokens,
              output_tokens: reply.usage.output_tokens,
              cache_read_input_tokens: reply.usage.cached_input_tokens ?? 0,
              cache_creation_input_tokens: 0,
            },
          }),
    };
  },
  error: (status, message, errorType) => ({
    type: 'error',
    error: { type: errorType ?? ERROR_TYPE[status] ?? 'api_error', message },
  }),
  contextLengthMessage: 'prompt is too long: 212345 tokens > 200000 maximum',
  retryAfterHeader: true,
};
