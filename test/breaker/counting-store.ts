import type { BreakerEvent } from '../../src/breaker/state.js';
import type { BreakerStore } from '../../src/breaker/store.js';

/** Wraps a store to count round trips: the hot path must not pay one per call. */
export function countingStore(
  inner: BreakerStore,
): BreakerStore & { events: BreakerEvent[]; reads: number } {
  const wrapper = {
    events: [] as BreakerEvent[],
    reads: 0,
    apply: (target: string, event: BreakerEvent, nowMs: number) => {
      wrapper.events.push(event);
      return inner.apply(target, event, nowMs);
    },
    read: (target: string, nowMs: number) => {
      wrapper.reads += 1;
      return inner.read(target, nowMs);
    },
    subscribe: inner.subscribe.bind(inner),
    settle: inner.settle.bind(inner),
    close: inner.close.bind(inner),
  };
  return wrapper;
}
