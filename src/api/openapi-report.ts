type Doc = Record<string, unknown>;

const count: Doc = { type: 'integer', minimum: 0 };
const usd: Doc = { type: 'number' };
/** `GET /v1/report` (see src/cost/report-types.ts). */
export const reportSchema: Doc = {
  type: 'object',
  required: ['since', 'until', 'levels', 'targets', 'failovers', 'cache', 'cost'],
  properties: {
    since: { type: 'string', format: 'date-time' },
    until: { type: 'string', format: 'date-time' },
    jobs: {
      type: 'object',
      properties: { total: count, completed: count, failed: count, unpriced: count },
    },
    levels: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          level: count,
          name: { type: 'string' },
          jobs: count,
          share: { type: 'number' },
          p50_ms: { type: ['number', 'null'] },
          p95_ms: { type: ['number', 'null'] },
          failed: count,
          cost_usd: usd,
        },
      },
    },
    targets: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          target: { type: 'string' },
          calls: count,
          errors: {
            type: 'object',
            properties: {
              transient: count,
              caller: count,
              context_length: count,
              misconfigured: count,
              invalid_output: count,
            },
          },
          error_rate: { type: 'number' },
          open_seconds: count,
          cost_usd: usd,
        },
      },
    },
    failovers: {
      type: 'object',
      properties: { total: count, by_reason: { type: 'object', additionalProperties: count } },
    },
    cache: { type: 'object', properties: { hits: count, saved_usd: usd } },
    cost: { type: 'object', properties: { actual_usd: usd, entry_level_usd: usd, saved_usd: usd } },
    agents: {
      type: 'array',
      items: {
        type: 'object',
        properties: { agent: { type: 'string' }, jobs: count, cost_usd: usd },
      },
    },
    quota: {
      type: 'object',
      properties: { waited: count, wait_ms: count, degraded: count },
    },
  },
};
