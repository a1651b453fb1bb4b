import {
  json,
  ladderHeaders,
  ladderRequestHeaders,
  str,
  type Doc,
} from '../openai-compat/openapi-paths.js';

const anthropicError: Doc = {
  type: 'object',
  required: ['type', 'error'],
  properties: {
    type: { const: 'error' },
    error: {
      type: 'object',
      required: ['type', 'message'],
      properties: { type: str, message: str },
    },
  },
};
const failure = (description: string): Doc => ({ description, ...json(anthropicError) });

/** The Messages endpoints read the token from Authorization: Bearer or x-api-key. */
const security = [{ bearer: [] }, { apiKey: [] }];

const messagesBody: Doc = {
  type: 'object',
  required: ['model', 'max_tokens', 'messages'],
  properties: {
    model: str,
    max_tokens: { type: 'integer', minimum: 1 },
    messages: { type: 'array' },
    system: { oneOf: [str, { type: 'array' }] },
    tools: { type: 'array' },
    stream: { type: 'boolean' },
  },
};

/** `POST /v1/messages` and `/v1/messages/count_tokens` in the OpenAPI document. */
export function anthropicCompatPaths(): Doc {
  return {
    '/v1/messages': {
      post: {
        summary: 'Anthropic Messages API, served by the ladder',
        description:
          "Accepts Anthropic's Messages request: `system` (string or text blocks), messages with text, tool_use and tool_result blocks, tools with input_schema, tool_choice (auto, any, tool, none), max_tokens, stop_sequences, temperature, metadata.user_id, output_config.format. `model` picks the entry as on /v1/chat/completions; a bare Claude model name that is an `anthropic/…` target of the ladder enters at its level. Whichever provider serves, the answer is in Anthropic's shape. `anthropic-version` is accepted. Images, documents, server tools and extended thinking are a 400 naming them. With `stream: true` the answer is relayed as Anthropic events (message_start … message_stop). Errors use Anthropic's error shape; 529 overloaded_error when the ladder has no level left.",
        security,
        parameters: ladderRequestHeaders,
        requestBody: { required: true, ...json(messagesBody) },
        responses: {
          '200': {
            description: 'A message, or text/event-stream events with stream: true',
            headers: ladderHeaders,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['id', 'type', 'role', 'model', 'content', 'stop_reason', 'usage'],
                  properties: {
                    id: str,
                    type: { const: 'message' },
                    role: { const: 'assistant' },
                    model: { type: 'string', description: 'The served provider/model' },
                    content: { type: 'array', description: 'text and tool_use blocks' },
                    stop_reason: {
                      enum: ['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'refusal'],
                    },
                    usage: { type: 'object' },
                  },
                },
              },
              'text/event-stream': { schema: str },
            },
          },
          '400': failure('invalid_request_error naming the field, or an unknown model'),
          '401': failure('authentication_error: missing or invalid token'),
          '429': failure('rate_limit_error: the entry queue is full; see Retry-After'),
          '504': failure('timeout_error: the deadline passed; the job stays readable'),
          '529': failure('overloaded_error: the ladder ended at its floor with no answer'),
        },
      },
    },
    '/v1/messages/count_tokens': {
      post: {
        summary: 'Estimated input tokens of a Messages request (nothing is enqueued)',
        description:
          'About four characters a token, the figure the ladder quota uses: which model answers, and how it counts, is not known in advance.',
        security,
        requestBody: {
          required: true,
          ...json({ ...messagesBody, required: ['model', 'messages'] }),
        },
        responses: {
          '200': {
            description: 'The estimate',
            ...json({
              type: 'object',
              required: ['input_tokens'],
              properties: { input_tokens: { type: 'integer' } },
            }),
          },
          '400': failure('invalid_request_error naming the field'),
          '401': failure('authentication_error: missing or invalid token'),
        },
      },
    },
  };
}
