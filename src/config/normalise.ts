/**
 * From a schema-checked config (either form) to the typed LadderConfig: defaults, units (seconds →
 * ms where LadderConfig says ms), environment fallbacks (REDIS_* in normalise-redis.ts, PORT, LADDER_API_TOKENS, the
 * providers' key variables) and the checks that span several keys.
 */
import {
  DEFAULT_API,
  DEFAULT_BREAKER,
  DEFAULT_FALLBACK,
  DEFAULT_PORT,
  DEFAULT_SIMULATED,
  DEFAULT_TTL_SECONDS,
  DEFAULT_WORKER,
} from './defaults.js';
import { problem, type ConfigProblem } from './errors.js';
import type { Env } from './interpolate.js';
import { flatLevels, ladderLevels } from './normalise-levels.js';
import { limits, quota } from './normalise-limits.js';
import { redisConfig } from './normalise-redis.js';
import { budgets, complexityMap, prices } from './normalise-refs.js';
import { describeValue } from './path.js';
import { API_KEY_ENV, DEFAULT_PROVIDER_TIMEOUT_MS, isKnownProvider } from './providers.js';
import type { CommonInput, FlatFormInput, LadderFormInput, ProvidersMapInput } from './schema.js';
import type {
  BreakerConfig,
  FallbackConfig,
  LadderConfig,
  LevelConfig,
  ProviderSettings,
} from './types.js';

/** A parsed config, tagged with its form. */
export type ParsedConfig =
  { form: 'flat'; value: FlatFormInput } | { form: 'ladder'; value: LadderFormInput };

export interface NormaliseContext {
  source: string;
  env: Env;
  /** Key path → variables its string referenced (from interpolation). */
  refs: Map<string, string[]>;
}

type Problems = ConfigProblem[];

/** Empty strings count as unset, so `${VAR:-}` in a file means "fall back to the default". */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

const seconds = (s: number): number => Math.round(s * 1000);

/**
 * Settings for every provider configured or referenced by a target. The key is the config's
 * `api_key`, else the provider's usual variables; a missing key is not a problem here, because only
 * workers for levels that use the provider need it (they name `apiKeyEnv` when it is missing).
 */
function providers(
  input: ProvidersMapInput | undefined,
  levels: LevelConfig[],
  ctx: NormaliseContext,
): Record<string, ProviderSettings> {
  const names = new Set<string>(Object.keys(input ?? {}));
  for (const level of levels)
    if (level.kind === 'llm') for (const t of level.targets) names.add(t.provider);
  const out: Record<string, ProviderSettings> = {};
  for (const name of names) {
    if (!isKnownProvider(name)) continue; // the schema rejects unknown providers already
    if (name === 'simulated') {
      out[name] = {
        apiKeyEnv: [],
        timeoutMs: input?.simulated?.timeout_ms ?? DEFAULT_PROVIDER_TIMEOUT_MS,
      };
      continue;
    }
    const block = input?.[name];
    const usual = API_KEY_ENV[name];
    const apiKeyEnv = [
      ...new Set([...(ctx.refs.get(`providers.${name}.api_key`) ?? []), ...usual]),
    ];
    const apiKey =
      nonEmpty(block?.api_key) ??
      usual.map((v) => nonEmpty(ctx.env[v])).find((k) => k !== undefined);
    const baseUrl = nonEmpty(block?.base_url);
    out[name] = {
      apiKeyEnv,
      timeoutMs: block?.timeout_ms ?? DEFAULT_PROVIDER_TIMEOUT_MS,
      ...(block?.http_client === undefined ? {} : { httpClient: block.http_client }),
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(baseUrl === undefined ? {} : { baseUrl }),
    };
  }
  return out;
}

function fallback(input: CommonInput['fallback'], problems: Problems): FallbackConfig {
  const d = DEFAULT_FALLBACK;
  const baseDelayMs = input?.base_delay_ms ?? d.baseDelayMs;
  // An unset cap never undercuts a raised base delay.
  const maxDelayMs = input?.max_delay_ms ?? Math.max(d.maxDelayMs, baseDelayMs);
  if (maxDelayMs < baseDelayMs) {
    problems.push(
      problem(
        'fallback.max_delay_ms',
        `an integer ≥ base_delay_ms (${baseDelayMs}) (ms)`,
        String(maxDelayMs),
      ),
    );
  }
  return {
    onError: input?.on_error ?? [...d.onError],
    maxRetries: input?.max_retries ?? d.maxRetries,
    backoff: input?.backoff ?? d.backoff,
    baseDelayMs,
    maxDelayMs,
    retryAfterCapMs: input?.retry_after_cap_ms ?? d.retryAfterCapMs,
    streamIdleMs: input?.stream_idle_ms ?? d.streamIdleMs,
  };
}

function breaker(input: CommonInput['breaker'], problems: Problems): BreakerConfig {
  const d = DEFAULT_BREAKER;
  const resetTimeoutMs =
    input?.reset_timeout === undefined ? d.resetTimeoutMs : seconds(input.reset_timeout);
  const maxResetTimeoutMs =
    input?.max_reset_timeout === undefined
      ? Math.max(d.maxResetTimeoutMs, resetTimeoutMs) // an unset maximum never undercuts a raised reset_timeout
      : seconds(input.max_reset_timeout);
  if (maxResetTimeoutMs < resetTimeoutMs) {
    problems.push(
      problem(
        'breaker.max_reset_timeout',
        `a number ≥ reset_timeout (${resetTimeoutMs / 1000}) (seconds)`,
        String(input?.max_reset_timeout),
      ),
    );
  }
  return {
    failureThreshold: input?.failure_threshold ?? d.failureThreshold,
    windowMs: input?.window === undefined ? d.windowMs : seconds(input.window),
    failureRate: input?.failure_rate ?? d.failureRate,
    minimumCalls: input?.minimum_calls ?? d.minimumCalls,
    resetTimeoutMs,
    maxResetTimeoutMs,
    halfOpenMaxCalls: input?.half_open_max_calls ?? d.halfOpenMaxCalls,
    halfOpenSuccesses: input?.half_open_successes ?? d.halfOpenSuccesses,
    invalidOutputThreshold: input?.invalid_output_threshold ?? d.invalidOutputThreshold,
  };
}

type ServerLimits = Pick<
  LadderConfig['api'],
  'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'maxConnections'
>;

/** The HTTP server's own limits; Node refuses a headers timeout longer than the request timeout. */
function serverLimits(input: CommonInput['api'], problems: Problems): ServerLimits {
  const limits = {
    headersTimeoutMs: input?.headers_timeout_ms ?? DEFAULT_API.headersTimeoutMs,
    requestTimeoutMs: input?.request_timeout_ms ?? DEFAULT_API.requestTimeoutMs,
    keepAliveTimeoutMs: input?.keep_alive_timeout_ms ?? DEFAULT_API.keepAliveTimeoutMs,
    maxConnections: input?.max_connections ?? DEFAULT_API.maxConnections,
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    problems.push(
      input?.headers_timeout_ms === undefined
        ? problem(
            'api.request_timeout_ms',
            `an integer ≥ headers_timeout_ms (${limits.headersTimeoutMs}) (ms)`,
            String(limits.requestTimeoutMs),
          )
        : problem(
            'api.headers_timeout_ms',
            `an integer ≤ request_timeout_ms (${limits.requestTimeoutMs}) (ms)`,
            String(limits.headersTimeoutMs),
          ),
    );
  }
  return limits;
}

function api(input: CommonInput['api'], env: Env, problems: Problems): LadderConfig['api'] {
  let port = input?.port;
  const envPort = nonEmpty(env.PORT);
  if (port === undefined && envPort !== undefined) {
    const n = Number(envPort);
    if (/^\d+$/.test(envPort.trim()) && n <= 65535) port = n;
    else {
      problems.push(
        problem('api.port', 'an integer from 0 to 65535', describeValue(envPort), {
          hint: 'taken from the environment variable PORT',
        }),
      );
    }
  }
  const envTokens = (env.LADDER_API_TOKENS ?? '').split(',').map((t) => t.trim());
  const tokens = [...new Set([...(input?.tokens ?? []), ...envTokens].filter((t) => t !== ''))];
  return {
    port: port ?? DEFAULT_PORT,
    tokens,
    maxBodyBytes: input?.max_body_bytes ?? DEFAULT_API.maxBodyBytes,
    maxBatch: input?.max_batch ?? DEFAULT_API.maxBatch,
    maxQueueDepth: input?.max_queue_depth ?? DEFAULT_API.maxQueueDepth,
    syncTimeoutMs: input?.sync_timeout_ms ?? DEFAULT_API.syncTimeoutMs,
    ...serverLimits(input, problems),
  };
}

/** Builds the LadderConfig, or returns every problem found across keys. */
export function normalise(
  parsed: ParsedConfig,
  ctx: NormaliseContext,
): { ok: true; config: LadderConfig } | { ok: false; problems: ConfigProblem[] } {
  const problems: Problems = [];
  const input = parsed.value;
  const levels =
    parsed.form === 'flat'
      ? flatLevels(parsed.value.providers, problems)
      : ladderLevels(parsed.value.levels, problems);
  const providersInput =
    parsed.form === 'ladder' ? (parsed.value.providers ?? undefined) : undefined;
  const sim = providersInput?.simulated;
  const config: LadderConfig = {
    source: ctx.source,
    redis: redisConfig(input.redis, ctx.env, problems),
    providers: providers(providersInput, levels, ctx),
    simulated: {
      latencyMs: sim?.latency_ms ?? DEFAULT_SIMULATED.latencyMs,
      failureRate: sim?.failure_rate ?? DEFAULT_SIMULATED.failureRate,
      failStatus: sim?.fail_status ?? DEFAULT_SIMULATED.failStatus,
      chunkDelayMs: sim?.chunk_delay_ms ?? DEFAULT_SIMULATED.chunkDelayMs,
      invalidOutputRate: sim?.invalid_output_rate ?? 0,
      toolCallRate: sim?.tool_call_rate ?? 0,
    },
    levels,
    fallback: fallback(input.fallback, problems),
    breaker: breaker(input.breaker, problems),
    cache: { ttlSeconds: input.cache?.ttl ?? DEFAULT_TTL_SECONDS },
    results: { ttlSeconds: input.results?.ttl ?? DEFAULT_TTL_SECONDS },
    worker: {
      concurrency: input.worker?.concurrency ?? DEFAULT_WORKER.concurrency,
      lockDurationMs: input.worker?.lock_duration_ms ?? DEFAULT_WORKER.lockDurationMs,
      stalledIntervalMs: input.worker?.stalled_interval_ms ?? DEFAULT_WORKER.stalledIntervalMs,
      shutdownGraceMs: input.worker?.shutdown_grace_ms ?? DEFAULT_WORKER.shutdownGraceMs,
    },
    api: api(input.api, ctx.env, problems),
    budgets: budgets(input.budgets, levels, problems),
    prices: prices(input.prices, problems),
    limits: limits(input.limits, levels, problems),
    quota: quota(input.quota),
    complexity: complexityMap(input.complexity, levels, problems),
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}
