import { breakerActionSchema, levelActionSchema } from '../ladder/literals.js';
import { reportSchema } from './openapi-report.js';
import { anthropicCompatPaths } from './anthropic-compat/openapi-paths.js';
import { openAiCompatPaths } from './openai-compat/openapi-paths.js';
import { responsesCompatPaths } from './responses-compat/openapi-paths.js';
import { componentSchemas, ref } from './openapi-schemas.js';

type Doc = Record<string, unknown>;

const json = (schema: Doc): Doc => ({ content: { 'application/json': { schema } } });
const answer = (description: string, schema?: Doc): Doc =>
  schema === undefined ? { description } : { description, ...json(schema) };
const errorAnswer = (description: string): Doc => answer(description, ref('Error'));

const waitParam: Doc = {
  name: 'wait',
  in: 'query',
  required: false,
  description: 'Seconds to wait for a final result (capped at api.sync_timeout_ms).',
  schema: { type: 'number', minimum: 0 },
};
const idParam: Doc = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

/** Answers every authenticated endpoint may give besides its own. */
const common: Doc = {
  '401': errorAnswer('Missing or invalid token'),
  '503': errorAnswer('Redis cannot be reached; see Retry-After'),
};

const secured = [{ bearer: [] }];
const open: Doc[] = [];

function paths(): Doc {
  return {
    '/v1/jobs': {
      post: {
        summary: 'Enqueue a job',
        description: 'The `id` field makes it idempotent: the same id twice is one job.',
        parameters: [waitParam],
        requestBody: { required: true, ...json(ref('Job')) },
        responses: {
          '200': answer('Final result, with ?wait, when the job ended in time', ref('Result')),
          '202': answer('Accepted', ref('EnqueueAnswer')),
          '400': errorAnswer('Invalid job: each problem with its path'),
          '413': errorAnswer('Body larger than api.max_body_bytes'),
          '429': errorAnswer('Queue deeper than api.max_queue_depth; see Retry-After'),
          ...common,
        },
      },
    },
    '/v1/jobs/batch': {
      post: {
        summary: 'Enqueue many jobs, all or nothing',
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['jobs'],
            properties: { jobs: { type: 'array', items: ref('Job') } },
          }),
        },
        responses: {
          '202': answer('Accepted', ref('BatchAnswer')),
          '400': errorAnswer('Invalid batch: index and path of each bad job; nothing enqueued'),
          '413': errorAnswer('Body larger than api.max_body_bytes'),
          '429': errorAnswer('Queue full'),
          ...common,
        },
      },
    },
    '/v1/jobs/{id}': {
      get: {
        summary: 'A job and its result (long-poll with ?wait)',
        parameters: [idParam, waitParam],
        responses: {
          '200': answer('The record', ref('Result')),
          '404': errorAnswer('Unknown or expired'),
          ...common,
        },
      },
      delete: {
        summary: 'Cancel a job that has not started',
        parameters: [idParam],
        responses: {
          '200': answer('Cancelled', ref('Result')),
          '404': errorAnswer('Unknown or expired'),
          '409': errorAnswer('Already running or final; the record is in `job`'),
          ...common,
        },
      },
    },
    '/v1/jobs/{id}/events': {
      get: {
        summary: "A job's events as Server-Sent Events (resumable)",
        description:
          'Events `delta` (`{text}` or `{tool_call: {index, id?, name?, arguments}}`, a piece of the answer as it is ' +
          'produced, for jobs enqueued with `stream: true`), `attempt` (a trail entry, as in `Result.attempts`), ' +
          '`restart` (the answer starts over on another target: discard the pieces before it; with `continues` the ' +
          'new answer begins with the `kept_chars` already sent), and `final` (the result record), after which the ' +
          'stream ends. Every event has an `id:`; reconnect with `Last-Event-ID` (or `?last_event_id=`) to get what ' +
          'came after it. A finished job replays its events. A job without `stream` gets its attempts and `final`.',
        parameters: [
          idParam,
          {
            name: 'Last-Event-ID',
            in: 'header',
            required: false,
            description: 'Resume after this event.',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': {
            description: 'The event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          '400': errorAnswer('Last-Event-ID is not an event id of this job'),
          '404': errorAnswer('Unknown or expired'),
          ...common,
        },
      },
    },
    ...openAiCompatPaths(),
    ...responsesCompatPaths(),
    ...anthropicCompatPaths(),
    '/v1/ladder': {
      get: {
        summary: 'Levels, queue depths and breakers',
        responses: { '200': answer('Ladder state', ref('Ladder')), ...common },
      },
    },
    '/v1/breakers/{provider}/{model}': {
      post: {
        summary: 'Force a breaker open or closed, or back to automatic',
        description: 'The model may contain slashes.',
        parameters: [
          { name: 'provider', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'model', in: 'path', required: true, schema: { type: 'string' } },
        ],
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['action'],
            properties: { action: { type: 'string', enum: breakerActionSchema.options } },
          }),
        },
        responses: {
          '200': answer('Done'),
          '400': errorAnswer('Bad action'),
          '404': errorAnswer('Unknown target'),
          ...common,
        },
      },
    },
    '/v1/levels/{level}': {
      post: {
        summary: "An operator's pause of a level's queue, or its end",
        description:
          'New jobs skip a paused level; the breaker never resumes a level an operator paused.',
        parameters: [
          {
            name: 'level',
            in: 'path',
            required: true,
            description: 'level number or name',
            schema: { type: 'string' },
          },
        ],
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['action'],
            properties: { action: { type: 'string', enum: levelActionSchema.options } },
          }),
        },
        responses: {
          '200': answer('Done: {level, name, action}'),
          '400': errorAnswer('Bad action'),
          '404': errorAnswer('Unknown level'),
          ...common,
        },
      },
    },
    '/v1/report': {
      get: {
        summary: 'Cost and traffic report',
        description:
          'Per level: jobs served, share, p50/p95 latency (log histogram, within ~12%). Per target: calls, errors by class, ' +
          'error rate, seconds open. Failovers by reason, cache hits and what they saved, cost actual against the cost had ' +
          'every job been served by the first target of its entry level. The window is widened to whole UTC hours ' +
          '(whole days beyond 8 days); `since` in the answer says where it began. Fields are only ever added.',
        parameters: [
          {
            name: 'since',
            in: 'query',
            required: false,
            description:
              'A span back from now (30m, 24h, 7d, 2w) or an ISO 8601 time. Default 24h.',
            schema: { type: 'string' },
          },
          {
            name: 'until',
            in: 'query',
            required: false,
            description: 'Same forms; default now.',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': answer('The report', reportSchema),
          '400': errorAnswer('Bad since or until'),
          '501': errorAnswer('This server has no report source'),
          ...common,
        },
      },
    },
    '/healthz': {
      get: {
        summary: 'The process is alive',
        security: open,
        responses: { '200': answer('Alive') },
      },
    },
    '/readyz': {
      get: {
        summary: 'Redis reachable and config loaded',
        security: open,
        responses: { '200': answer('Ready'), '503': answer('Not ready') },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics',
        responses: {
          '200': {
            description: 'Text exposition format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...common,
        },
      },
    },
    '/openapi.json': {
      get: {
        summary: 'This document',
        security: open,
        responses: { '200': answer('OpenAPI 3.1') },
      },
    },
    '/docs': {
      get: {
        summary: 'The endpoint list as a page',
        security: open,
        responses: { '200': answer('HTML') },
      },
    },
    '/admin/queues': {
      get: {
        summary: 'Bull Board (read-only), basic auth accepted',
        security: [{ bearer: [] }, { basic: [] }],
        responses: { '200': answer('HTML') },
      },
    },
    '/admin/ladder': {
      get: {
        summary: 'The ladder page, basic auth accepted',
        security: [{ bearer: [] }, { basic: [] }],
        responses: { '200': answer('HTML') },
      },
    },
  };
}

/** The OpenAPI 3.1 document served at `/openapi.json` and rendered at `/docs`. */
export function openApiDocument(version = '0.1.0'): Doc {
  return {
    openapi: '3.1.0',
    info: {
      title: 'llm-ladder',
      version,
      description:
        'Queue-based LLM job processor with a degradation ladder. JSON fields are snake_case. ' +
        'An API serving several ladders has every path below under /ladders/{name} (or at the ' +
        'root with the header X-Ladder: {name}), each with its own tokens.',
    },
    security: secured,
    paths: paths(),
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token from api.tokens or LADDER_API_TOKENS',
        },
        basic: {
          type: 'http',
          scheme: 'basic',
          description: 'On /admin only: the token as password',
        },
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description: 'On /v1/messages only (as the Anthropic SDK sends it): the token',
        },
      },
    },
  };
}
