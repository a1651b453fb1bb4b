import type { BreakerState } from './state.js';
import type { BreakerStateName } from './types.js';

/** What a process keeps of a breaker to answer `acquire` without a round trip. */
export interface LocalState {
  name: BreakerStateName;
  sinceMs: number;
  /** When an open breaker lets a probe through; null unless open. */
  halfOpenAtMs: number | null;
}

export function localStateOf(state: BreakerState): LocalState {
  return {
    name: state.name,
    sinceMs: state.sinceMs,
    halfOpenAtMs: state.name === 'open' ? state.halfOpenAtMs : null,
  };
}

/**
 * Whether the local state must ask the store before a call: an open breaker whose reset timeout is over, or
 * a half-open one (probe slots are counted across all processes).
 */
export function needsStore(local: LocalState, nowMs: number): boolean {
  if (local.name === 'half_open') return true;
  return local.name === 'open' && local.halfOpenAtMs !== null && nowMs >= local.halfOpenAtMs;
}
