import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../../src/breaker/codec.js';
import { countsAsFailure } from '../../src/breaker/failure.js';
import { policyConfig } from '../../src/breaker/policy-config.js';
import { applyEvent, openTimeoutMs } from '../../src/breaker/policy.js';
import { initialState, type BreakerState } from '../../src/breaker/state.js';
import { T0, baseConfig, transient } from './fixtures.js';

// The rules themselves are covered by the store contract (store.memory.test.ts runs them on the pure
// policy); these are the properties only a pure function has.
describe('breaker policy (pure)', () => {
  const config = policyConfig(baseConfig);

  it('never mutates the state it is given, and its states survive JSON', () => {
    let state: BreakerState = initialState();
    for (let i = 0; i < 3; i++) {
      const before = JSON.stringify(state);
      const decision = applyEvent(
        state,
        { type: 'failure', probe: false, failure: transient() },
        T0 + i,
        config,
      );
      expect(JSON.stringify(state)).toBe(before);
      state = decision.state;
    }
    expect(state.name).toBe('open');
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    const later = applyEvent(
      JSON.parse(JSON.stringify(state)) as BreakerState,
      { type: 'acquire' },
      T0 + 1_002,
      config,
    );
    expect(later).toMatchObject({ grant: 'probe', transition: { to: 'half_open' } });
  });

  it('the reset timeout doubles per re-open up to the cap; Retry-After stretches it within the cap', () => {
    const c = policyConfig({ ...baseConfig, resetTimeoutMs: 60_000, maxResetTimeoutMs: 600_000 });
    expect([0, 1, 2, 3, 4, 5, 40].map((n) => openTimeoutMs(n, null, c))).toEqual([
      60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000,
    ]);
    expect(openTimeoutMs(0, 90_000, c)).toBe(90_000);
    expect(openTimeoutMs(0, 30_000, c)).toBe(60_000);
    expect(openTimeoutMs(0, 3_600_000, c)).toBe(600_000);
    expect(openTimeoutMs(2, 200_000, c)).toBe(240_000);
  });

  it('max_reset_timeout equal to reset_timeout is valid: no backoff', () => {
    const c = policyConfig({ ...baseConfig, maxResetTimeoutMs: baseConfig.resetTimeoutMs });
    expect(openTimeoutMs(3, 5_000, c)).toBe(baseConfig.resetTimeoutMs);
  });

  it('only transient and misconfigured errors count', () => {
    expect(
      ['transient', 'misconfigured', 'caller', 'context_length'].map((c) =>
        countsAsFailure(c as never),
      ),
    ).toEqual([true, true, false, false]);
  });

  it('rejects settings the rules cannot work with, naming the value', () => {
    expect(() => policyConfig({ ...baseConfig, failureRate: 0 })).toThrow(
      'breaker.failureRate must be in (0, 1], got 0',
    );
    expect(() => policyConfig({ ...baseConfig, failureRate: 1.5 })).toThrow('got 1.5');
    expect(() => policyConfig({ ...baseConfig, minimumCalls: 0 })).toThrow('breaker.minimumCalls');
    expect(() => policyConfig({ ...baseConfig, maxResetTimeoutMs: 500 })).toThrow(
      'breaker.maxResetTimeoutMs must be an integer ≥ resetTimeoutMs (1000), got 500',
    );
    expect(() => policyConfig({ ...baseConfig, failureRate: 1 })).not.toThrow();
  });

  it('snapshots show the window, errors and when an open breaker half-opens', () => {
    const decision = applyEvent(
      initialState(),
      {
        type: 'failure',
        probe: false,
        failure: { ...transient(), errorClass: 'misconfigured', status: 401 },
      },
      T0,
      config,
    );
    expect(snapshotOf(decision.state, 0)).toEqual({
      state: 'open',
      since: new Date(T0).toISOString(),
      calls: 1,
      failures: 1,
      last_errors: [
        {
          at: new Date(T0).toISOString(),
          class: 'misconfigured',
          status: 401,
          message: 'unavailable',
        },
      ],
      half_open_at: new Date(T0 + 1_000).toISOString(),
    });
    expect(snapshotOf(initialState(), T0)).toMatchObject({
      state: 'closed',
      since: new Date(T0).toISOString(),
      half_open_at: null,
    });
  });
});
