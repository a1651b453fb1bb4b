/**
 * Every default of the config in one place, in the units of LadderConfig (ms where the field says
 * so). The seed article gives fallback and breaker defaults; the rest are ours.
 */
import type {
  ApiConfig,
  BreakerConfig,
  FallbackConfig,
  SimulatedSettings,
  WorkerConfig,
} from './types.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_REDIS_PREFIX = 'ladder';
export const DEFAULT_PORT = 3000;

/** The static level's message when the config gives none (the seed's wording). */
export const DEFAULT_STATIC_MESSAGE = 'Service temporarily limited';

/** Level names the flat form produces. */
export const FLAT_LEVEL_NAMES = { llm: 'primary', cache: 'cached', static: 'static' } as const;

export const DEFAULT_FALLBACK: FallbackConfig = {
  onError: [429, 500, 502, 503, 'timeout'],
  maxRetries: 2,
  backoff: 'exponential',
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  retryAfterCapMs: 30_000,
  streamIdleMs: 30_000,
};

export const DEFAULT_BREAKER: BreakerConfig = {
  failureThreshold: 5,
  windowMs: 60_000,
  failureRate: 0.5,
  minimumCalls: 10,
  resetTimeoutMs: 60_000,
  maxResetTimeoutMs: 600_000,
  halfOpenMaxCalls: 1,
  halfOpenSuccesses: 1,
  invalidOutputThreshold: 3,
};

export const DEFAULT_SIMULATED: SimulatedSettings = {
  latencyMs: 50,
  failureRate: 0,
  failStatus: 503,
  chunkDelayMs: 0,
};

export const DEFAULT_TTL_SECONDS = 86_400;

export const DEFAULT_WORKER: WorkerConfig = {
  concurrency: 16,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  shutdownGraceMs: 30_000,
};

/** Everything of ApiConfig but the port and tokens, which also come from the environment. */
export const DEFAULT_API: Omit<ApiConfig, 'port' | 'tokens'> = {
  maxBodyBytes: 1_048_576,
  maxBatch: 1000,
  maxQueueDepth: null,
  syncTimeoutMs: 120_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024,
};

/** Complexity → level, before clamping to the ladder's last LLM level. */
export const DEFAULT_COMPLEXITY = { simple: 3, standard: 2, complex: 1 } as const;
