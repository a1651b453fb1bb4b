import {
  failure,
  json,
  ladderHeaders,
  ladderRequestHeaders,
  str,
  type Doc,
} from '../openai-compat/openapi-paths.js';

/** `POST /v1/responses` in the OpenAPI document (spread into its `paths`). */
export function responsesCompatPaths(): Doc {
  return {
    '/v1/responses': {
      post: {
        summary: 'OpenAI Responses API, served by the ladder',
        description:
          "Accepts OpenAI's Responses request: `input` as a string or items (messages with text parts, `function_call`, `function_call_output`), `instructions`, function `tools`, `tool_choice`, `max_output_tokens`, `temperature`, `metadata`, `text.format` (json_object, json_schema: the job's structured output). `model` picks the entry as on /v1/chat/completions. No state is kept between requests: `store` is accepted and ignored, `previous_response_id` is a 400; an `item_reference` to an output item of an earlier answer is read back from its job record while it is kept. Images, files, reasoning items and built-in tools are a 400 naming them. With `stream: true` the answer is relayed as Responses events (response.created … response.completed, each with `sequence_number`); an answer that cannot finish ends with response.failed naming the job. Errors use OpenAI's error shape.",
        parameters: ladderRequestHeaders,
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['model', 'input'],
            properties: {
              model: str,
              input: { oneOf: [str, { type: 'array' }] },
              instructions: str,
              tools: { type: 'array' },
              max_output_tokens: { type: 'integer', minimum: 1 },
              text: { type: 'object' },
              stream: { type: 'boolean' },
            },
          }),
        },
        responses: {
          '200': {
            description:
              'A response object (status completed, or incomplete at a length stop), or text/event-stream events with stream: true',
            headers: ladderHeaders,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['id', 'object', 'status', 'model', 'output', 'usage'],
                  properties: {
                    id: str,
                    object: { const: 'response' },
                    status: { enum: ['completed', 'incomplete'] },
                    model: { type: 'string', description: 'The served provider/model' },
                    output: { type: 'array', description: 'message and function_call items' },
                    usage: { type: 'object' },
                  },
                },
              },
              'text/event-stream': { schema: str },
            },
          },
          '400': failure(
            'invalid_request_error naming the field: bad input, unsupported item, part or tool, previous_response_id, unknown model (model_not_found)',
          ),
          '401': failure('authentication_error: missing or invalid token'),
          '429': failure(
            'rate_limit_error: the entry queue is deeper than api.max_queue_depth; see Retry-After',
          ),
          '503': failure('The ladder ended at the floor with no answer, or Redis is unreachable'),
          '504': failure('The deadline passed; the job stays readable at GET /v1/jobs/{id}'),
        },
      },
    },
    '/v1/responses/input_tokens': {
      post: {
        summary: 'Estimated input tokens of a Responses request (nothing is enqueued)',
        description:
          'The /v1/responses body with `model` and `input` optional. About four characters a token, the figure the ladder quota uses: which model answers, and how it counts, is not known in advance.',
        requestBody: { required: true, ...json({ type: 'object' }) },
        responses: {
          '200': {
            description: 'The estimate',
            ...json({
              type: 'object',
              required: ['object', 'input_tokens'],
              properties: {
                object: { const: 'response.input_tokens' },
                input_tokens: { type: 'integer' },
              },
            }),
          },
          '400': failure('invalid_request_error naming the field, or an unknown model'),
          '401': failure('authentication_error: missing or invalid token'),
        },
      },
    },
  };
}
