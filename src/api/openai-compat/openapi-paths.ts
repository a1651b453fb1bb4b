/**
 * The OpenAI-compatible endpoints in the OpenAPI document (spread into its `paths`), and the
 * pieces the other drop-in endpoints (Responses, Messages) describe themselves with.
 */
export type Doc = Record<string, unknown>;

export const json = (schema: Doc): Doc => ({ content: { 'application/json': { schema } } });
export const str = { type: 'string' };

const openAiError: Doc = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'type', 'param', 'code'],
      properties: {
        message: str,
        type: str,
        param: { type: ['string', 'null'] },
        code: { type: ['string', 'null'] },
      },
    },
  },
};
export const failure = (description: string): Doc => ({ description, ...json(openAiError) });

const header = (name: string, description: string, schema: Doc = str): Doc => ({
  name,
  in: 'header',
  required: false,
  description,
  schema,
});

/** The ladder's facts about an answer, in response headers. */
export const ladderHeaders: Doc = {
  'X-Ladder-Job-Id': {
    description: 'The job behind the answer, readable at GET /v1/jobs/{id}',
    schema: str,
  },
  'X-Ladder-Level': {
    description: 'Level that served the answer (a number)',
    schema: { type: 'integer' },
  },
  'X-Ladder-Source': { description: 'llm, cache or static', schema: str },
  'X-Ladder-Degraded': {
    description: 'true when served below the entry level',
    schema: { type: 'string', enum: ['true', 'false'] },
  },
};

const model: Doc = {
  type: 'object',
  required: ['id', 'object', 'created', 'owned_by'],
  properties: {
    id: str,
    object: { const: 'model' },
    created: { type: 'integer' },
    owned_by: { const: 'llm-ladder' },
  },
};

/** The X-Ladder-* request headers every drop-in endpoint reads. */
export const ladderRequestHeaders: Doc[] = [
  header('X-Ladder-Floor', 'Lowest level accepted: a number or a level name'),
  header(
    'X-Ladder-Deadline-Ms',
    'Job deadline and how long the request waits; default and maximum api.sync_timeout_ms',
    { type: 'integer', minimum: 1 },
  ),
  header('Idempotency-Key', 'Used as the job id: a retried request is the same job'),
  header('X-Ladder-Agent', 'Stored as metadata.agent (budgets and cost by agent)'),
];

export function openAiCompatPaths(): Doc {
  return {
    '/v1/chat/completions': {
      post: {
        summary: 'OpenAI-compatible chat completion, served by the ladder',
        description:
          "Accepts the OpenAI Chat Completions request. `model` picks the entry: `ladder` (level 1), a level name, a complexity (simple, standard, complex) or a `provider/model` target (the first level holding it, that target tried first). `n` must be 1. With `stream: true` the answer is relayed as `chat.completion.chunk` events as the provider produces it, ending with `data: [DONE]`. Errors use OpenAI's error shape.",
        parameters: ladderRequestHeaders,
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['model', 'messages'],
            properties: { model: str, messages: { type: 'array' } },
          }),
        },
        responses: {
          '200': {
            description: 'A chat.completion object, or text/event-stream chunks with stream: true',
            headers: ladderHeaders,
            content: {
              'application/json': { schema: { type: 'object' } },
              'text/event-stream': { schema: str },
            },
          },
          '400': failure(
            'invalid_request_error: bad request, n other than 1, unknown model (model_not_found)',
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
    '/v1/models': {
      get: {
        summary: 'What the OpenAI-compatible `model` field accepts',
        responses: {
          '200': {
            description: 'OpenAI list: ladder, level names, complexities, targets',
            ...json({
              type: 'object',
              properties: { object: { const: 'list' }, data: { type: 'array', items: model } },
            }),
          },
          '401': failure('authentication_error: missing or invalid token'),
        },
      },
    },
    '/v1/models/{model}': {
      get: {
        summary: 'One accepted model value',
        parameters: [
          {
            name: 'model',
            in: 'path',
            required: true,
            description: 'May contain slashes (provider/model)',
            schema: str,
          },
        ],
        responses: {
          '200': { description: 'The model', ...json(model) },
          '404': failure('model_not_found'),
          '401': failure('authentication_error'),
        },
      },
    },
  };
}
