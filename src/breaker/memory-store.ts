import type { PolicyConfig } from './policy-config.js';
import { applyEvent } from './policy.js';
import { initialState, type BreakerEvent, type BreakerState, type Decision } from './state.js';
import type { BreakerStore, StoreTransition } from './store.js';
import { pruneWindow } from './window.js';

/**
 * Breaker states in a map, for unit tests and single-process use. Several `Breakers` sharing one
 * memory store behave like several processes sharing one Redis: announcements are delivered
 * asynchronously, as pub/sub would.
 */
export class MemoryBreakerStore implements BreakerStore {
  private readonly states = new Map<string, BreakerState>();
  private readonly listeners = new Set<(transition: StoreTransition) => void>();

  constructor(private readonly config: PolicyConfig) {}

  async apply(target: string, event: BreakerEvent, nowMs: number): Promise<Decision> {
    const decision = applyEvent(
      this.states.get(target) ?? initialState(),
      event,
      nowMs,
      this.config,
    );
    this.states.set(target, decision.state);
    if (decision.transition) {
      const announced: StoreTransition = {
        target,
        ...decision.transition,
        atMs: nowMs,
        state: { ...decision.state, buckets: [], lastErrors: [] },
      };
      queueMicrotask(() => {
        for (const listener of this.listeners) listener(announced);
      });
    }
    return decision;
  }

  async read(target: string, nowMs: number): Promise<BreakerState> {
    const state = this.states.get(target) ?? initialState();
    return {
      ...state,
      buckets: pruneWindow(state.buckets, nowMs, this.config.windowMs, this.config.bucketMs),
    };
  }

  async subscribe(listener: (transition: StoreTransition) => void): Promise<() => Promise<void>> {
    this.listeners.add(listener);
    return async () => {
      this.listeners.delete(listener);
    };
  }

  async settle(work: Promise<unknown>): Promise<void> {
    await work;
  }

  /** Nothing to release: the map may be shared by other instances, listeners leave by unsubscribing. */
  async close(): Promise<void> {}
}
