export type * from './types.js';
export type { BreakerEvent, BreakerState, Decision, Grant, PolicyTransition } from './state.js';
export { initialState } from './state.js';
export { applyEvent, openTimeoutMs } from './policy.js';
export { policyConfig, type PolicyConfig, type PolicyOverrides } from './policy-config.js';
export { countsAsFailure } from './failure.js';
export type { BreakerStore, StoreTransition } from './store.js';
export { MemoryBreakerStore } from './memory-store.js';
export { RedisBreakerStore } from './redis-store.js';
export { StoreBreakers } from './store-breakers.js';
export { createRedisBreakers, type RedisBreakersOptions } from './redis-breakers.js';
export {
  createMemoryBreakers,
  createMemoryBreakerStore,
  type MemoryBreakersOptions,
} from './memory-breakers.js';
