import { describe, expect, it } from 'vitest';
import { buildConfig, parseConfig } from '../../src/config/load.js';
import { configError, ladder } from './helpers.js';

describe('defaults', () => {
  it('fills every block from the design defaults', () => {
    const config = buildConfig(ladder());
    expect(config.source).toBe('(inline)');
    expect(config.redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      prefix: 'ladder',
      durability: 'async',
      waitTimeoutMs: 1_000,
    });
    expect(config.fallback).toEqual({
      onError: [429, 500, 502, 503, 'timeout'],
      maxRetries: 2,
      backoff: 'exponential',
      baseDelayMs: 500,
      maxDelayMs: 10_000,
      retryAfterCapMs: 30_000,
      streamIdleMs: 30_000,
    });
    expect(config.breaker).toEqual({
      failureThreshold: 5,
      windowMs: 60_000,
      failureRate: 0.5,
      minimumCalls: 10,
      resetTimeoutMs: 60_000,
      maxResetTimeoutMs: 600_000,
      halfOpenMaxCalls: 1,
      halfOpenSuccesses: 1,
      invalidOutputThreshold: 3,
    });
    expect(config.cache).toEqual({ ttlSeconds: 86_400 });
    expect(config.results).toEqual({ ttlSeconds: 86_400 });
    expect(config.worker).toEqual({
      concurrency: 16,
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
      shutdownGraceMs: 30_000,
    });
    expect(config.api).toEqual({
      port: 3000,
      tokens: [],
      maxBodyBytes: 1_048_576,
      maxBatch: 1000,
      maxQueueDepth: null,
      syncTimeoutMs: 120_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 1024,
    });
    expect(config.simulated).toEqual({
      latencyMs: 50,
      failureRate: 0,
      failStatus: 503,
      chunkDelayMs: 0,
      invalidOutputRate: 0,
      toolCallRate: 0,
    });
    expect(config.budgets).toEqual({ levels: {}, agents: {} });
    expect(config.prices).toEqual({});
    expect(config.complexity).toEqual({ simple: 3, standard: 2, complex: 1 });
    expect(config.levels[4]).toEqual({
      kind: 'static',
      level: 5,
      name: 'static',
      message: 'Service temporarily limited',
    });
  });

  it('reads a block left empty (all its keys commented out) as defaults', () => {
    const config = parseConfig({
      text: 'providers:\n  openai:\nlevels:\n  - name: a\n    targets: [openai/gpt-4o]\nbreaker:\n# failure_rate: 1\n',
      env: { OPENAI_API_KEY: 'k' },
    });
    expect(config.breaker.failureRate).toBe(0.5);
    expect(config.providers.openai?.apiKey).toBe('k');
  });

  it('converts seconds to ms where LadderConfig says ms', () => {
    const config = buildConfig(
      ladder({ breaker: { window: 0.5, reset_timeout: 2, max_reset_timeout: 30 } }),
    );
    expect(config.breaker.windowMs).toBe(500);
    expect(config.breaker.resetTimeoutMs).toBe(2000);
    expect(config.breaker.maxResetTimeoutMs).toBe(30_000);
  });

  it('an unset maximum never falls below a raised minimum', () => {
    const config = buildConfig(
      ladder({ breaker: { reset_timeout: 900 }, fallback: { base_delay_ms: 20_000 } }),
    );
    expect(config.breaker.maxResetTimeoutMs).toBe(900_000);
    expect(config.fallback.maxDelayMs).toBe(20_000);
  });

  it('clamps default complexity to the last LLM level of a short ladder', () => {
    const config = buildConfig({
      levels: [
        { name: 'full', targets: ['simulated/a'] },
        { name: 'small', targets: ['simulated/b'] },
        { name: 'static', serve: 'static', message: 'later' },
      ],
    });
    expect(config.complexity).toEqual({ simple: 2, standard: 2, complex: 1 });
  });

  it('accepts complexity as level numbers or names', () => {
    const config = buildConfig(
      ladder({ complexity: { simple: 'basic', standard: 'reduced', complex: 1 } }),
    );
    expect(config.complexity).toEqual({ simple: 3, standard: 2, complex: 1 });
  });
});

describe('boundaries', () => {
  const breakerWith = (breaker: Record<string, unknown>) => () => buildConfig(ladder({ breaker }));

  it('failure_rate: 1 is valid, 0 and 1.5 are not', () => {
    expect(breakerWith({ failure_rate: 1 })().breaker.failureRate).toBe(1);
    expect(configError(breakerWith({ failure_rate: 0 })).problems[0]?.path).toBe(
      'breaker.failure_rate',
    );
    expect(configError(breakerWith({ failure_rate: 1.5 })).message).toBe(
      '(inline): breaker.failure_rate: expected a number in (0, 1], found 1.5',
    );
  });

  it('max_reset_timeout equal to reset_timeout is valid, below is not', () => {
    expect(
      breakerWith({ reset_timeout: 60, max_reset_timeout: 60 })().breaker.maxResetTimeoutMs,
    ).toBe(60_000);
    expect(configError(breakerWith({ reset_timeout: 60, max_reset_timeout: 59 })).message).toBe(
      '(inline): breaker.max_reset_timeout: expected a number ≥ reset_timeout (60) (seconds), found 59',
    );
  });

  it('the HTTP server limits are read, and a headers timeout longer than the request timeout is refused', () => {
    const apiWith = (api: Record<string, unknown>) => () => buildConfig(ladder({ api }));
    expect(
      apiWith({
        headers_timeout_ms: 2_000,
        request_timeout_ms: 4_000,
        keep_alive_timeout_ms: 1_000,
        max_connections: 8,
      })().api,
    ).toMatchObject({
      headersTimeoutMs: 2_000,
      requestTimeoutMs: 4_000,
      keepAliveTimeoutMs: 1_000,
      maxConnections: 8,
    });
    expect(configError(apiWith({ headers_timeout_ms: 40_000 })).message).toBe(
      '(inline): api.headers_timeout_ms: expected an integer ≤ request_timeout_ms (30000) (ms), found 40000',
    );
    expect(configError(apiWith({ request_timeout_ms: 5_000 })).message).toBe(
      '(inline): api.request_timeout_ms: expected an integer ≥ headers_timeout_ms (10000) (ms), found 5000',
    );
    expect(configError(apiWith({ max_connections: 0 })).problems[0]?.path).toBe(
      'api.max_connections',
    );
  });

  it('minimum_calls must be at least 1; timeouts must be positive', () => {
    expect(breakerWith({ minimum_calls: 1 })().breaker.minimumCalls).toBe(1);
    expect(configError(breakerWith({ minimum_calls: 0 })).problems[0]?.expected).toBe(
      'an integer ≥ 1',
    );
    expect(configError(breakerWith({ reset_timeout: 0 })).problems[0]?.expected).toBe(
      'a number > 0 (seconds)',
    );
    const timeout = configError(() =>
      buildConfig(ladder({ providers: { openai: { timeout_ms: 0 } } })),
    );
    expect(timeout.problems[0]?.path).toBe('providers.openai.timeout_ms');
  });

  it('http_client is undici (unset) or fetch, per provider', () => {
    const config = buildConfig(
      ladder({
        providers: { openai: { http_client: 'fetch' }, anthropic: { http_client: 'undici' } },
      }),
    );
    expect(config.providers.openai?.httpClient).toBe('fetch');
    expect(config.providers.anthropic?.httpClient).toBe('undici');
    expect(buildConfig(ladder()).providers.openai?.httpClient).toBeUndefined();
    const error = configError(() =>
      buildConfig(ladder({ providers: { openai: { http_client: 'http' } } })),
    );
    expect(error.problems[0]).toMatchObject({
      path: 'providers.openai.http_client',
      expected: '"undici" or "fetch"',
    });
  });

  it('max_delay_ms below base_delay_ms is a problem', () => {
    const error = configError(() =>
      buildConfig(ladder({ fallback: { base_delay_ms: 1000, max_delay_ms: 999 } })),
    );
    expect(error.problems.map((p) => p.path)).toEqual(['fallback.max_delay_ms']);
  });

  it('on_error takes statuses, timeout and connection only', () => {
    const config = buildConfig(
      ladder({ fallback: { on_error: [429, 529, 'timeout', 'connection'] } }),
    );
    expect(config.fallback.onError).toEqual([429, 529, 'timeout', 'connection']);
    const error = configError(() =>
      buildConfig(ladder({ fallback: { on_error: [429, 'overloaded', 42] } })),
    );
    expect(error.problems.map((p) => p.path)).toEqual([
      'fallback.on_error.1',
      'fallback.on_error.2',
    ]);
  });

  it('max_queue_depth is null or a positive integer', () => {
    expect(buildConfig(ladder({ api: { max_queue_depth: 500 } })).api.maxQueueDepth).toBe(500);
    expect(buildConfig(ladder({ api: { max_queue_depth: null } })).api.maxQueueDepth).toBeNull();
    expect(
      configError(() => buildConfig(ladder({ api: { max_queue_depth: 0 } }))).problems[0]?.path,
    ).toBe('api.max_queue_depth');
  });
});

describe('budgets, prices and simulated settings', () => {
  it('parses daily and monthly budgets per level and per agent', () => {
    const config = buildConfig(
      ladder({
        budgets: {
          levels: { full: { daily_usd: 50 }, reduced: { monthly_usd: 300 } },
          agents: { 'billing-bot': { monthly_usd: 200 }, triage: { daily_usd: 0 } },
        },
      }),
    );
    expect(config.budgets).toEqual({
      levels: {
        full: { period: 'day', limitUsd: 50 },
        reduced: { period: 'month', limitUsd: 300 },
      },
      agents: {
        'billing-bot': { period: 'month', limitUsd: 200 },
        triage: { period: 'day', limitUsd: 0 },
      },
    });
  });

  it('parses prices keyed by target', () => {
    const config = buildConfig(
      ladder({
        prices: {
          'openai/gpt-4o': { input: 2.5, output: 10, cached_input: 1.25 },
          'simulated/x': { input: 0, output: 0 },
        },
      }),
    );
    expect(config.prices).toEqual({
      'openai/gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
      'simulated/x': { input: 0, output: 0 },
    });
  });

  it('reads the simulated provider block', () => {
    const config = buildConfig(
      ladder({
        providers: {
          simulated: { latency_ms: 0, failure_rate: 1, fail_status: 529, timeout_ms: 500 },
        },
      }),
    );
    expect(config.simulated).toEqual({
      latencyMs: 0,
      failureRate: 1,
      failStatus: 529,
      chunkDelayMs: 0,
      invalidOutputRate: 0,
      toolCallRate: 0,
    });
    expect(config.providers.simulated).toEqual({ apiKeyEnv: [], timeoutMs: 500 });
  });
});
