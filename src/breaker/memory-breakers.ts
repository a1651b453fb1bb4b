import type { BreakerConfig } from '../config/types.js';
import type { Logger } from '../util/log.js';
import { MemoryBreakerStore } from './memory-store.js';
import { policyConfig, type PolicyOverrides } from './policy-config.js';
import { StoreBreakers } from './store-breakers.js';

export interface MemoryBreakersOptions {
  config: BreakerConfig;
  policy?: PolicyOverrides;
  /**
   * Share one store between several instances to stand in for several processes. Default: a new
   * store of its own (built from `config` and `policy`).
   */
  store?: MemoryBreakerStore;
  /** Epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Default `createLogger('breaker')`. */
  logger?: Logger;
  targets?: string[];
  /** Default 50. */
  successFlushMs?: number;
  /** Default 100. */
  successBatchSize?: number;
}

export function createMemoryBreakerStore(
  config: BreakerConfig,
  policy?: PolicyOverrides,
): MemoryBreakerStore {
  return new MemoryBreakerStore(policyConfig(config, policy));
}

/** Breakers in this process only: unit tests and single-process use. */
export async function createMemoryBreakers(options: MemoryBreakersOptions): Promise<StoreBreakers> {
  const store = options.store ?? createMemoryBreakerStore(options.config, options.policy);
  return new StoreBreakers({ ...options, store }).start(options.targets);
}
