import { afterEach } from 'vitest';
import type { BreakerConfig } from '../../src/config/types.js';
import type { BreakerEvent } from '../../src/breaker/state.js';
import type { BreakerStore } from '../../src/breaker/store.js';
import type { BreakerFailure } from '../../src/breaker/types.js';
import { baseConfig, randomTarget, transient } from './fixtures.js';

export type MakeStore = (config: BreakerConfig) => Promise<BreakerStore>;

/**
 * The contract's one breaker per test: a fresh target on a store made with the test's config,
 * closed after the test, and the events the tests send, with time passed in explicitly.
 */
export function storeHarness(makeStore: MakeStore) {
  const opened: BreakerStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  return async function setup(overrides: Partial<BreakerConfig> = {}) {
    const store = await makeStore({ ...baseConfig, ...overrides });
    opened.push(store);
    const target = randomTarget();
    const apply = (event: BreakerEvent, nowMs: number) => store.apply(target, event, nowMs);
    const fail = (nowMs: number, failure: BreakerFailure = transient(), probe = false) =>
      apply({ type: 'failure', probe, failure }, nowMs);
    const succeed = (nowMs: number, count = 1, probe = false) =>
      apply({ type: 'success', probe, count, atMs: nowMs }, nowMs);
    const acquire = (nowMs: number) => apply({ type: 'acquire' }, nowMs);
    const read = (nowMs: number) => store.read(target, nowMs);
    /** Opens the breaker with consecutive failures at `nowMs`; returns when it half-opens. */
    const open = async (nowMs: number, failure: BreakerFailure = transient()): Promise<number> => {
      for (let i = 0; i < baseConfig.failureThreshold; i++) await fail(nowMs, failure);
      const state = await read(nowMs);
      if (state.name !== 'open') throw new Error(`expected open, got ${state.name}`);
      return state.halfOpenAtMs;
    };
    return { store, target, apply, fail, succeed, acquire, read, open };
  };
}

export type StoreSetup = ReturnType<typeof storeHarness>;
