import { z } from 'zod';
import { jobInputSchema } from '../ladder/job-schema.js';

/** JSON Schema objects (2020-12, which OpenAPI 3.1 uses) for the component section. */
type Schema = Record<string, unknown>;

const str = { type: 'string' };
const int = { type: 'integer' };
const num = { type: 'number' };
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });

/** The job schema comes from the zod schema itself, so the document cannot drift from validation. */
function jobSchema(): Schema {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(jobInputSchema, {
    unrepresentable: 'any',
  });
  return schema;
}

const errorClass = {
  type: 'string',
  enum: ['transient', 'caller', 'context_length', 'misconfigured'],
};

const attempt: Schema = {
  type: 'object',
  required: ['level', 'outcome', 'at'],
  properties: {
    level: int,
    level_name: str,
    provider: str,
    model: str,
    outcome: { type: 'string', enum: ['ok', 'error', 'skipped'] },
    reason: {
      type: 'string',
      enum: ['breaker_open', 'budget', 'level_down', 'cache_miss', 'deadline'],
    },
    class: { type: 'string', enum: [...errorClass.enum, 'deadline'] },
    status: nullable(int),
    error: str,
    latency_ms: num,
    at: { type: 'string', format: 'date-time' },
  },
};

const result: Schema = {
  type: 'object',
  required: ['id', 'status', 'level', 'level_name', 'attempts', 'timing'],
  properties: {
    id: str,
    status: { type: 'string', enum: ['queued', 'active', 'completed', 'failed', 'cancelled'] },
    level: int,
    level_name: str,
    entry_level: int,
    floor: int,
    provider: str,
    model: str,
    source: { type: 'string', enum: ['llm', 'cache', 'static'] },
    degraded: { type: 'boolean' },
    output: {
      type: 'object',
      properties: {
        text: str,
        tool_calls: { type: 'array', items: { type: 'object' } },
        stop_reason: {
          type: 'string',
          enum: ['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'content_filter', 'other'],
        },
        raw_stop_reason: nullable(str),
      },
    },
    usage: nullable({
      type: 'object',
      properties: { input_tokens: int, output_tokens: int, cached_input_tokens: int },
    }),
    cost_usd: nullable(num),
    error: {
      type: 'object',
      properties: {
        message: str,
        class: { type: 'string', enum: [...errorClass.enum, 'deadline', 'invalid'] },
      },
    },
    attempts: { type: 'array', items: ref('Attempt') },
    metadata: { type: 'object' },
    timing: {
      type: 'object',
      properties: {
        enqueued_at: str,
        started_at: str,
        finished_at: str,
        queued_ms: num,
        total_ms: num,
      },
    },
  },
};

const enqueueAnswer: Schema = {
  type: 'object',
  required: ['id', 'status', 'level', 'level_name', 'created'],
  properties: {
    id: str,
    status: result.properties && (result.properties as Record<string, Schema>).status,
    level: int,
    level_name: str,
    created: {
      type: 'boolean',
      description: 'false when the id was already known (idempotent enqueue)',
    },
  },
};

const breaker: Schema = {
  type: 'object',
  properties: {
    state: {
      type: 'string',
      enum: ['closed', 'open', 'half_open', 'forced_open', 'forced_closed'],
    },
    since: str,
    calls: int,
    failures: int,
    last_errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { at: str, class: errorClass, status: nullable(int), message: str },
      },
    },
    half_open_at: nullable(str),
  },
};

const level: Schema = {
  type: 'object',
  required: ['level', 'name', 'kind', 'state', 'queue', 'targets'],
  properties: {
    level: int,
    name: str,
    kind: { type: 'string', enum: ['llm', 'cache', 'static'] },
    state: { type: 'string', enum: ['live', 'down', 'paused', 'budget'] },
    queue: {
      type: 'object',
      properties: { waiting: int, active: int, delayed: int, completed: int, failed: int },
    },
    budget: nullable({
      type: 'object',
      properties: {
        period: { type: 'string', enum: ['day', 'month'] },
        limit_usd: num,
        spent_usd: num,
      },
    }),
    targets: {
      type: 'array',
      items: { type: 'object', properties: { target: str, breaker: ref('Breaker') } },
    },
    served_last_hour: int,
  },
};

const problem: Schema = {
  type: 'object',
  required: ['path', 'message'],
  properties: { path: str, message: str, index: { ...int, description: 'the job of a batch' } },
};

const error: Schema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message'],
      properties: { message: str, problems: { type: 'array', items: ref('Problem') } },
    },
  },
};

export function componentSchemas(): Record<string, Schema> {
  return {
    Job: jobSchema(),
    EnqueueAnswer: enqueueAnswer,
    Result: result,
    Attempt: attempt,
    Ladder: {
      type: 'object',
      required: ['levels'],
      properties: { levels: { type: 'array', items: ref('Level') }, at: str },
    },
    Level: level,
    Breaker: breaker,
    Problem: problem,
    Error: error,
  };
}

export { ref };
