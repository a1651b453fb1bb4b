import type { BreakerEvent, BreakerState, Decision } from './state.js';

/** A transition as announced to every process: the new state travels with it. */
export interface StoreTransition {
  target: string;
  from: BreakerState['name'];
  to: BreakerState['name'];
  reason: string;
  atMs: number;
  /** The state right after the transition (window and errors left empty: not announced). */
  state: BreakerState;
}

/**
 * Where breaker states live and where the rules are applied atomically. Redis in production; an
 * in-memory map for unit tests and single-process use. Both answer every event the same way.
 */
export interface BreakerStore {
  /** Applies `event` to `target`'s breaker at `nowMs`; a transition is announced exactly once. */
  apply(target: string, event: BreakerEvent, nowMs: number): Promise<Decision>;
  /** The stored state, window pruned to `nowMs`. */
  read(target: string, nowMs: number): Promise<BreakerState>;
  /**
   * Delivers every transition of every target, from any process. `onResync` is called when
   * announcements may have been missed (a reconnect): the listener should read states again.
   */
  subscribe(
    listener: (transition: StoreTransition) => void,
    onResync?: () => void,
  ): Promise<() => Promise<void>>;
  /**
   * Waits for `work`, the writes a closing process still owes the store, for as long as the store
   * can take them: Redis's stop waiting once their connection is down (they would wait for a
   * reconnect that may never come, and a shutdown must end).
   */
  settle(work: Promise<unknown>): Promise<void>;
  /** Releases what the store created (never a client it was given). */
  close(): Promise<void>;
}
