/**
 * Schemas of the config blocks shared by both forms (snake_case, as written in YAML). They check
 * types and ranges only; defaults and checks across keys live in normalise.ts, so that the defaults
 * are written down once.
 */
import { z } from 'zod';
import { int, num, positive, str } from './schema-helpers.js';

const ON_ERROR_EXPECTED = 'an HTTP status from 100 to 599, "timeout" or "connection"';

/** One `on_error` entry: a status or one of the kinds without a status. */
export const onErrorEntrySchema = z.union(
  [z.literal('timeout'), z.literal('connection'), int(100, '', 599)],
  { error: ON_ERROR_EXPECTED },
);

export const fallbackSchema = z.strictObject({
  on_error: z.array(onErrorEntrySchema, { error: `a list of ${ON_ERROR_EXPECTED}` }).optional(),
  max_retries: int(0).optional(),
  backoff: z.enum(['exponential', 'fixed'], { error: '"exponential" or "fixed"' }).optional(),
  base_delay_ms: int(0, 'ms').optional(),
  max_delay_ms: int(0, 'ms').optional(),
  retry_after_cap_ms: int(0, 'ms').optional(),
  stream_idle_ms: int(1, 'ms').optional(),
});

export const breakerSchema = z.strictObject({
  failure_threshold: int(1).optional(),
  window: positive('seconds').optional(),
  failure_rate: num('a number in (0, 1]', (n) => n > 0 && n <= 1).optional(),
  minimum_calls: int(1).optional(),
  reset_timeout: positive('seconds').optional(),
  max_reset_timeout: positive('seconds').optional(),
  half_open_max_calls: int(1).optional(),
  half_open_successes: int(1).optional(),
  invalid_output_threshold: int(1).optional(),
});

/** `cache:` and `results:`; Redis expiries are whole seconds. */
export const ttlSchema = z.strictObject({ ttl: int(1, 'seconds').optional() });

export const workerSchema = z.strictObject({
  concurrency: int(1).optional(),
  lock_duration_ms: int(1, 'ms').optional(),
  stalled_interval_ms: int(1, 'ms').optional(),
  shutdown_grace_ms: int(0, 'ms').optional(),
});

export const apiSchema = z.strictObject({
  // 0 lets the OS pick a free port (tests).
  port: int(0, '', 65535).optional(),
  tokens: z
    .array(str('a non-empty token').min(1, { error: 'a non-empty token' }), {
      error: 'a list of tokens',
    })
    .optional(),
  max_body_bytes: int(1, 'bytes').optional(),
  max_batch: int(1).optional(),
  max_queue_depth: z
    .union([z.null(), int(1)], { error: 'an integer ≥ 1, or null for no limit' })
    .optional(),
  sync_timeout_ms: int(1, 'ms').optional(),
  headers_timeout_ms: int(1, 'ms').optional(),
  request_timeout_ms: int(1, 'ms').optional(),
  keep_alive_timeout_ms: int(1, 'ms').optional(),
  max_connections: int(1).optional(),
});

const usd = num('an amount in USD ≥ 0', (n) => n >= 0);

/** One budget: exactly one of the two keys (checked in normalise.ts, which knows the path). */
export const budgetLimitSchema = z.strictObject({
  daily_usd: usd.optional(),
  monthly_usd: usd.optional(),
});

export const budgetsSchema = z.strictObject({
  levels: z.record(z.string(), budgetLimitSchema).optional(),
  agents: z.record(z.string(), budgetLimitSchema).optional(),
});

const perMillion = num('a price in USD per million tokens ≥ 0', (n) => n >= 0);

export const priceSchema = z.strictObject({
  input: perMillion,
  output: perMillion,
  cached_input: perMillion.optional(),
});

/** Price keys are targets; checked in normalise.ts so the problem names the key. */
export const pricesSchema = z.record(z.string(), priceSchema);

/** One target's limits; at least one key (checked in normalise.ts, which knows the path). */
export const limitSchema = z.strictObject({
  rpm: int(1, 'requests per minute').optional(),
  tpm: int(1, 'tokens per minute').optional(),
  concurrency: int(1, 'calls in flight').optional(),
});

/** Limit keys are targets; checked in normalise.ts against the ladder's targets. */
export const limitsSchema = z.record(z.string(), limitSchema.nullish());

export const quotaSchema = z.strictObject({
  adaptive: z.boolean({ error: 'true or false' }).optional(),
});

const levelRef = z.union([int(1), str().min(1)], {
  error: 'a level number (from 1) or a level name',
});

export const complexitySchema = z.strictObject({
  simple: levelRef.optional(),
  standard: levelRef.optional(),
  complex: levelRef.optional(),
});

const ADDRESS_EXPECTED = 'a sentinel address "host:port"';
const NODE_EXPECTED = 'a cluster node "redis://host:port"';

/** `redis.sentinel`: a master found through Sentinel (exclusive with `url` and `cluster`). */
export const redisSentinelSchema = z.strictObject({
  name: str('the master name the sentinels monitor').min(1),
  sentinels: z
    .array(str(ADDRESS_EXPECTED), { error: `a list of ${ADDRESS_EXPECTED}` })
    .min(1, { error: `a list of at least one ${ADDRESS_EXPECTED}` }),
  password: str('a password').optional(),
  sentinel_password: str('a password').optional(),
  tls: z.boolean({ error: 'true or false' }).optional(),
});

/** `redis.cluster`: seed nodes of a Redis Cluster (exclusive with `url` and `sentinel`). */
export const redisClusterSchema = z.strictObject({
  nodes: z
    .array(str(NODE_EXPECTED), { error: `a list of ${NODE_EXPECTED}` })
    .min(1, { error: `a list of at least one ${NODE_EXPECTED}` }),
  password: str('a password').optional(),
  tls: z.boolean({ error: 'true or false' }).optional(),
});

export const redisSchema = z.strictObject({
  url: str('a Redis URL (redis://... or rediss://...)').optional(),
  sentinel: redisSentinelSchema.optional(),
  cluster: redisClusterSchema.optional(),
  prefix: str('a key prefix without spaces')
    .regex(/^\S{1,64}$/, { error: 'a key prefix of 1 to 64 characters without spaces' })
    .optional(),
  durability: z.enum(['async', 'replicated'], { error: 'async or replicated' }).optional(),
  wait_timeout_ms: int(1, 'ms', 60_000).optional(),
});
