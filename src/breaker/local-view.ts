import type { BreakerState } from './state.js';
import type { BreakerStateName } from './types.js';

/** What a process keeps of a breaker to answer `acquire` without a round trip. */
export interface LocalView {
  name: BreakerStateName;
  sinceMs: number;
  /** When an open breaker lets a probe through; null unless open. */
  halfOpenAtMs: number | null;
}

export function viewOf(state: BreakerState): LocalView {
  return {
    name: state.name,
    sinceMs: state.sinceMs,
    halfOpenAtMs: state.name === 'open' ? state.halfOpenAtMs : null,
  };
}

/**
 * Whether a view must ask the store before a call: an open breaker whose reset timeout is over, or
 * a half-open one (probe slots are counted across all processes).
 */
export function needsStore(view: LocalView, nowMs: number): boolean {
  if (view.name === 'half_open') return true;
  return view.name === 'open' && view.halfOpenAtMs !== null && nowMs >= view.halfOpenAtMs;
}
