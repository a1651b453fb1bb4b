import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One registry per process with every ladder metric. Labels are names from the config (levels,
 * providers, models) and fixed enums; never ids, prompts, tokens or keys, which would be secret
 * or unbounded.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const jobsTotal = new Counter({
  name: 'ladder_jobs_total',
  help: 'Jobs that ended, by outcome (completed, failed, cancelled), level where they ended and source',
  labelNames: ['outcome', 'level', 'source'] as const,
  registers: [registry],
});

export const providerCallSeconds = new Histogram({
  name: 'ladder_provider_call_seconds',
  help: 'Latency of provider calls, by outcome (ok or the error class)',
  labelNames: ['provider', 'model', 'outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 60, 120],
  registers: [registry],
});

export const providerErrorsTotal = new Counter({
  name: 'ladder_provider_errors_total',
  help: 'Failed provider calls by error class (transient, caller, context_length, misconfigured, invalid_output)',
  labelNames: ['provider', 'model', 'class'] as const,
  registers: [registry],
});

export const tokensTotal = new Counter({
  name: 'ladder_tokens_total',
  help: 'Tokens used, by direction (input, output, cached_input)',
  labelNames: ['provider', 'model', 'direction'] as const,
  registers: [registry],
});

export const costUsdTotal = new Counter({
  name: 'ladder_cost_usd_total',
  help: 'Cost of finished jobs in USD, by the level and target that served them',
  labelNames: ['level', 'provider', 'model'] as const,
  registers: [registry],
});

export const breakerState = new Gauge({
  name: 'ladder_breaker_state',
  help: 'Breaker state per target: 1 for the current state, 0 for the others',
  labelNames: ['target', 'state'] as const,
  registers: [registry],
});

export const queueDepth = new Gauge({
  name: 'ladder_queue_depth',
  help: 'Jobs in each level queue by state (waiting, active, delayed)',
  labelNames: ['level', 'state'] as const,
  registers: [registry],
});

export const levelState = new Gauge({
  name: 'ladder_level_state',
  help: 'Level state: 1 for the current state (live, down, paused, budget), 0 for the others',
  labelNames: ['level', 'state'] as const,
  registers: [registry],
});

export const stateUp = new Gauge({
  name: 'ladder_state_up',
  help: '1 when the last scrape could read the ladder state from Redis, else 0',
  registers: [registry],
});

export const quotaWaitSeconds = new Histogram({
  name: 'ladder_quota_wait_seconds',
  help: 'Time finished jobs spent waiting for quota (rate limits, saturation), by the level where they ended; jobs that never waited are left out',
  labelNames: ['level'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
  registers: [registry],
});

export const quotaWaitsTotal = new Counter({
  name: 'ladder_quota_waits_total',
  help: 'Times a job was put back to wait for a target, by why (saturated, rpm, tpm, concurrency, queue)',
  labelNames: ['provider', 'model', 'reason'] as const,
  registers: [registry],
});

export const rateLimitedTotal = new Counter({
  name: 'ladder_rate_limited_total',
  help: 'Provider calls answered 429 / RESOURCE_EXHAUSTED, by target',
  labelNames: ['provider', 'model'] as const,
  registers: [registry],
});
