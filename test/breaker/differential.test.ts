import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { MemoryBreakerStore } from '../../src/breaker/memory-store.js';
import { policyConfig } from '../../src/breaker/policy-config.js';
import { RedisBreakerStore } from '../../src/breaker/redis-store.js';
import type { BreakerEvent, BreakerState } from '../../src/breaker/state.js';
import { pruneWindow } from '../../src/breaker/window.js';
import { createKeys } from '../../src/ladder/keys.js';
import { createLogger } from '../../src/util/log.js';
import { T0, baseConfig, randomPrefix, randomTarget } from './fixtures.js';

const probe = fc.constantFrom(true, true, false);

// Weighted so that sequences reach every state, half-open re-opens and closes included.
const event: fc.Arbitrary<(nowMs: number) => BreakerEvent> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(() => ({ type: 'acquire' }) as const) },
  { weight: 2, arbitrary: fc.constant(() => ({ type: 'tick' }) as const) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        probe,
        count: fc.integer({ min: 0, max: 4 }),
        back: fc.constantFrom(0, 0, 1, 50),
      })
      .map(
        (e) => (nowMs: number) =>
          ({ type: 'success', probe: e.probe, count: e.count, atMs: nowMs - e.back }) as const,
      ),
  },
  {
    weight: 5,
    arbitrary: fc
      .record({
        probe,
        errorClass: fc.constantFrom(
          'transient',
          'transient',
          'transient',
          'misconfigured',
          'caller',
          'context_length',
        ),
        status: fc.constantFrom(null, 401, 413, 429, 503),
        retryAfterMs: fc.option(fc.integer({ min: 0, max: 6_000 })),
        message: fc.string({ maxLength: 8 }),
      })
      .map(
        ({ probe: isProbe, ...failure }) =>
          () =>
            ({ type: 'failure', probe: isProbe, failure }) as const,
      ),
  },
  {
    weight: 1,
    arbitrary: probe.map((isProbe) => () => ({ type: 'release', probe: isProbe }) as const),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('open', 'close', 'auto')
      .map((action) => () => ({ type: 'force', action }) as const),
  },
);

const steps = fc.array(fc.record({ dtMs: fc.constantFrom(0, 0, 1, 5, 300, 1_000, 2_500), event }), {
  minLength: 25,
  maxLength: 60,
});

/**
 * The Lua script must answer exactly as the pure policy does. Random event sequences run through
 * both stores side by side, and every decision and the final state are compared.
 */
describe('breaker: Redis script and pure policy agree', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('on random event sequences', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        steps,
        fc.constantFrom(0.3, 0.5, 1),
        fc.constantFrom(1, 2),
        async (sequence, failureRate, halfOpenSuccesses) => {
          const config = policyConfig(
            { ...baseConfig, windowMs: 5_000, minimumCalls: 4, failureRate, halfOpenSuccesses },
            { probeLeaseMs: 3_000 },
          );
          const normal = (state: BreakerState, nowMs: number): BreakerState => ({
            ...state,
            buckets: pruneWindow(state.buckets, nowMs, config.windowMs, config.bucketMs),
          });
          const memory = new MemoryBreakerStore(config);
          const keys = createKeys(`{${randomPrefix()}}`);
          const logger = createLogger('breaker', 'silent');
          const store = new RedisBreakerStore({ redis, keys, config, logger });
          const target = randomTarget();
          let nowMs = T0;
          for (const step of sequence) {
            nowMs += step.dtMs;
            const e = step.event(nowMs);
            const expected = await memory.apply(target, e, nowMs);
            const actual = await store.apply(target, e, nowMs);
            if (expected.transition)
              seen.add(`${expected.transition.from}>${expected.transition.to}`);
            expect({ ...actual, state: normal(actual.state, nowMs) }).toEqual({
              ...expected,
              state: normal(expected.state, nowMs),
            });
          }
          expect(await store.read(target, nowMs + 1)).toEqual(await memory.read(target, nowMs + 1));
          await redis.del(
            keys.breaker(target),
            keys.breakerWindow(target),
            keys.breakerErrors(target),
          );
        },
      ),
      { numRuns: 120 },
    );
    // The sequences must have exercised every transition, or agreement proves little.
    const wanted = [
      'closed>open',
      'open>half_open',
      'half_open>open',
      'half_open>closed',
      'forced_open>closed',
    ];
    expect(wanted.filter((t) => !seen.has(t))).toEqual([]);
  });
});
