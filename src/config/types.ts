import type { BudgetPeriod } from '../ladder/literals.js';
import type { RedisEndpoint, RedisSource } from '../util/redis.js';

/**
 * The configuration after parsing, interpolation and defaults: a typed object passed down from
 * start-up. Nothing below the CLI reads `process.env` or YAML; units are in the field names.
 */

/** `provider/model`, the unit a breaker, a price and a budget attach to. */
export interface TargetRef {
  provider: string;
  model: string;
  /** `provider/model`. */
  id: string;
}

export interface LlmLevel {
  kind: 'llm';
  /** 1-based position in the ladder. */
  level: number;
  name: string;
  targets: TargetRef[];
}

export interface CacheLevel {
  kind: 'cache';
  level: number;
  name: string;
}

export interface StaticLevel {
  kind: 'static';
  level: number;
  name: string;
  message: string;
}

export type LevelConfig = LlmLevel | CacheLevel | StaticLevel;

export interface ProviderSettings {
  /** Resolved key; never logged, never put into job data. Undefined when none was found. */
  apiKey?: string;
  /** The environment variables consulted for the key, to name in a missing-key error. */
  apiKeyEnv: string[];
  baseUrl?: string;
  /** Per-call timeout. Default 60000. */
  timeoutMs: number;
  /**
   * What carries the SDK's HTTP requests: `undici` (default, src/providers/http/sdk-fetch.ts) or
   * `fetch`, Node's global fetch as the SDK uses it by itself (the escape hatch).
   */
  httpClient?: ProviderHttpClient;
}

export type ProviderHttpClient = 'undici' | 'fetch';

export interface SimulatedSettings {
  /** Added latency per call. Default 50. */
  latencyMs: number;
  /** Probability in [0, 1] that a call fails with `failStatus`. Default 0. */
  failureRate: number;
  /** Status a simulated failure carries. Default 503. */
  failStatus: number;
  /** Pause between two chunks of a streamed answer (chunks are words). Default 0. */
  chunkDelayMs: number;
  /**
   * Probability in [0, 1] that an answer asked for as JSON (or a forced tool call) fails its
   * schema, to show invalid answers falling to the next target. Default 0.
   */
  invalidOutputRate?: number;
  /**
   * Probability in [0, 1] that a request with tools on `tool_choice: auto` gets a tool call even
   * when its last message does not ask for what a tool covers. Default 0.
   */
  toolCallRate?: number;
}

/** `on_error` entries: HTTP statuses, or the kinds `timeout` and `connection`. */
export type OnErrorEntry = number | 'timeout' | 'connection';

export interface FallbackConfig {
  onError: OnErrorEntry[];
  /** Retries on the same target after the first call. Default 2. */
  maxRetries: number;
  backoff: 'exponential' | 'fixed';
  /** Default 500. */
  baseDelayMs: number;
  /** Default 10000. */
  maxDelayMs: number;
  /** A Retry-After longer than this moves the job on instead of waiting. Default 30000. */
  retryAfterCapMs: number;
  /** Longest pause between two chunks of a streamed answer before it counts as stalled. Default 30000. */
  streamIdleMs: number;
}

export interface BreakerConfig {
  /** Consecutive failures inside the window that open the breaker. Default 5. */
  failureThreshold: number;
  /** Sliding window. Default 60000 (config: `window`, seconds). */
  windowMs: number;
  /** Failure rate in (0, 1] that opens the breaker once `minimumCalls` calls were seen. Default 0.5. */
  failureRate: number;
  /** Default 10. */
  minimumCalls: number;
  /** Default 60000 (config: `reset_timeout`, seconds). */
  resetTimeoutMs: number;
  /** Default 600000 (config: `max_reset_timeout`, seconds). */
  maxResetTimeoutMs: number;
  /** Probe calls allowed at once in half-open, across all processes. Default 1. */
  halfOpenMaxCalls: number;
  /** Successful probes that close the breaker. Default 1. */
  halfOpenSuccesses: number;
  /**
   * Consecutive answers from one target that fail their schema (error class `invalid_output`)
   * before each further one counts as a breaker failure: a bad format is a model's habit, not an
   * outage. Counted per worker process. Default 3.
   */
  invalidOutputThreshold: number;
}

export interface WorkerConfig {
  /** Jobs one worker process runs at once per level. Default 16. */
  concurrency: number;
  /** BullMQ lock; a crashed worker's job is taken over after about this long. Default 30000. */
  lockDurationMs: number;
  /** Default 30000. */
  stalledIntervalMs: number;
  /** SIGTERM waits this long for active jobs before closing anyway. Default 30000. */
  shutdownGraceMs: number;
}

export interface ApiConfig {
  /** Default `PORT`, else 3000. */
  port: number;
  tokens: string[];
  /** Default 1 MiB. */
  maxBodyBytes: number;
  /** Default 1000. */
  maxBatch: number;
  /** Waiting jobs above which the API answers 429. Default: no limit. */
  maxQueueDepth: number | null;
  /** Default 120000. */
  syncTimeoutMs: number;
  /**
   * A client must send its request headers within this (slow-header attacks hold a socket open
   * otherwise). At most `requestTimeoutMs`. Default 10000 (Node's own: 60000).
   */
  headersTimeoutMs: number;
  /**
   * A client must send its whole request, body included, within this. The answer may take longer
   * (a sync wait, an event stream). Default 30000 (Node's own: 300000).
   */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. Default 5000. */
  keepAliveTimeoutMs: number;
  /** Open connections beyond this are closed as they arrive. Default 1024 (Node's own: no cap). */
  maxConnections: number;
}

export type { BudgetPeriod } from '../ladder/literals.js';

export interface BudgetLimit {
  period: BudgetPeriod;
  limitUsd: number;
}

export interface BudgetsConfig {
  /** Level name → limit. */
  levels: Record<string, BudgetLimit>;
  /** `metadata.agent` → limit. */
  agents: Record<string, BudgetLimit>;
}

export interface Price {
  /** USD per million input tokens. */
  input: number;
  /** USD per million output tokens. */
  output: number;
  /** USD per million cached input tokens; defaults to `input`. */
  cachedInput?: number;
}

/** One target's share of its provider's quota (`limits:`), enforced across every process. */
export interface TargetLimits {
  /** Requests per minute; also spread as at most ceil(rpm / 60) call starts in any one second. */
  rpm?: number;
  /** Input + output tokens per minute (estimated before a call, corrected from its usage). */
  tpm?: number;
  /** Calls in flight at once. */
  concurrency?: number;
}

export interface QuotaConfig {
  /**
   * Whether targets without a `limits:` entry learn their rate from 429s and rate-limit headers.
   * Default true. A 429 saturates a target for its Retry-After either way.
   */
  adaptive: boolean;
}

/** The `redis:` block, normalised. */
export interface RedisConfig {
  /** `redis.url` (else `REDIS_URL`, else redis://127.0.0.1:6379); empty when `endpoint` is set. */
  url: string;
  /** Key and BullMQ prefix. Default `ladder`; hash-tagged (`{ladder}`) on Redis Cluster. */
  prefix: string;
  /** `redis.sentinel` or `redis.cluster` when given; absent means the single server at `url`. */
  endpoint?: RedisEndpoint;
  /**
   * `async` (default): acknowledged once the master has it. `replicated`: an enqueue and a final
   * result also wait (`WAIT 1`) until a replica has them, so a failover cannot lose them.
   */
  durability: RedisDurability;
  /** How long `replicated` waits for a replica before the enqueue answers 503. Default 1000. */
  waitTimeoutMs: number;
}

export type RedisDurability = 'async' | 'replicated';

export interface LadderConfig {
  /** The file it came from, for messages; `(inline)` when built in code. */
  source: string;
  redis: RedisConfig;
  providers: Record<string, ProviderSettings>;
  simulated: SimulatedSettings;
  levels: LevelConfig[];
  fallback: FallbackConfig;
  breaker: BreakerConfig;
  /** Response cache TTL. Default 86400 s. */
  cache: { ttlSeconds: number };
  /** How long a result outlives its job. Default 86400 s. */
  results: { ttlSeconds: number };
  worker: WorkerConfig;
  api: ApiConfig;
  budgets: BudgetsConfig;
  /** `provider/model` → price, merged over the built-in table. */
  prices: Record<string, Price>;
  /** `provider/model` → limits; only targets of the ladder. */
  limits: Record<string, TargetLimits>;
  quota: QuotaConfig;
  /** Complexity → level number. Default simple 3, standard 2, complex 1 (clamped to LLM levels). */
  complexity: Record<'simple' | 'standard' | 'complex', number>;
}

/** What to connect to for a `redis:` block: its sentinel or cluster form, else its URL. */
export function redisSource(redis: RedisConfig): RedisSource {
  return redis.endpoint ?? redis.url;
}
