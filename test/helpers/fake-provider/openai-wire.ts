import type { FakeStop } from './behaviours.js';
import { modelFromBody, type WireFormat } from './wire-format.js';

const STOP: Record<FakeStop, string> = {
  end: 'stop',
  max_tokens: 'length',
  stop_sequence: 'stop',
  tool: 'tool_calls',
  content_filter: 'content_filter',
  unknown: 'mystery_reason',
};

const ERROR: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: null },
  503: { type: 'server_error', code: 'service_unavailable' },
};

/** OpenAI Chat Completions: POST /v1/chat/completions; the SDK's baseURL is `${url}/v1`. */
export const openaiWire: WireFormat = {
  route: (method, path, body) =>
    method === 'POST' && path === '/v1/chat/completions' ? modelFromBody(body) : null,
  success(model, reply, callNumber) {
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: reply.text === '' ? null : reply.text,
      refusal: null,
    };
    if (reply.toolCalls.length > 0) {
      message.tool_calls = reply.toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: {
          name: call.name,
          arguments:
            typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
        },
      }));
    }
    return {
      id: `chatcmpl-fake-${callNumber}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: STOP[reply.stop] }],
      ...(reply.usage === null
        ? {}
        : {
            usage: {
              prompt_tokens: reply.usage.input_tokens,
              completion_tokens: reply.usage.output_tokens,
              total_tokens: reply.usage.input_tokens + reply.usage.output_tokens,
              prompt_tokens_details: { cached_tokens: reply.usage.cached_input_tokens ?? 0 },
            },
          }),
    };
  },
  error(status, message, errorType) {
    const known = ERROR[status] ?? { type: 'server_error', code: null };
    return { error: { message, type: errorType ?? known.type, param: null, code: known.code } };
  },
  contextLengthMessage:
    "This model's maximum context length is 128000 tokens. However, your messages resulted in 212345 tokens. Please reduce the length of the messages.",
  retryAfterHeader: true,
};
