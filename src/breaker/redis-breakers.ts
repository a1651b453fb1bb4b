import type { RedisClient } from '../util/redis.js';
import type { BreakerConfig } from '../config/types.js';
import type { Keys } from '../ladder/keys.js';
import { createLogger, type Logger } from '../util/log.js';
import { policyConfig, type PolicyOverrides } from './policy-config.js';
import { RedisBreakerStore } from './redis-store.js';
import { StoreBreakers } from './store-breakers.js';

export interface RedisBreakersOptions {
  /** Commands and scripts go here; never closed by the breakers. */
  redis: RedisClient;
  /** Connection for SUBSCRIBE. Default: `redis.duplicate()`, closed by `close()`. */
  subscriber?: RedisClient;
  keys: Keys;
  config: BreakerConfig;
  /** Knobs the YAML does not expose (probe lease, errors kept, bucket width). */
  policy?: PolicyOverrides;
  /** Epoch ms. Default `Date.now`; passed to every script, so tests own the clock. */
  now?: () => number;
  /** Default `createLogger('breaker')`. */
  logger?: Logger;
  /** Targets loaded before the promise resolves; others load on first use. Default none. */
  targets?: string[];
  /** Successes of closed breakers are sent at least this often. Default 50. */
  successFlushMs?: number;
  /** A target's pending successes are sent once this many have gathered. Default 100. */
  successBatchSize?: number;
}

/**
 * Breakers shared through Redis by every process: subscribed to transitions and with the given
 * targets loaded when the promise resolves.
 */
export async function createRedisBreakers(options: RedisBreakersOptions): Promise<StoreBreakers> {
  const logger = options.logger ?? createLogger('breaker');
  const store = new RedisBreakerStore({
    redis: options.redis,
    subscriber: options.subscriber,
    keys: options.keys,
    config: policyConfig(options.config, options.policy),
    logger,
  });
  const breakers = new StoreBreakers({ ...options, store, logger });
  try {
    return await breakers.start(options.targets);
  } catch (error) {
    await breakers.close().catch(() => undefined);
    throw error;
  }
}
