import { afterEach, describe, expect, it } from 'vitest';
import type { BreakerConfig } from '../../src/config/types.js';
import { StoreBreakers } from '../../src/breaker/store-breakers.js';
import type { BreakerStore } from '../../src/breaker/store.js';
import type { BreakerTransition } from '../../src/breaker/types.js';
import { createLogger } from '../../src/util/log.js';
import { countingStore } from './counting-store.js';
import { FakeClock, baseConfig, failureOf, randomTarget, transient } from './fixtures.js';

/** One shared breaker backend; each `store()` is what one more process would hold. */
export interface World {
  store(): BreakerStore;
  cleanup(): Promise<void>;
}

export type MakeWorld = (config: BreakerConfig) => Promise<World>;

const LEARN_WITHIN_MS = 200;

/**
 * The `Breakers` a worker sees, written once and run over the memory store and over Redis. Two
 * instances on one backend stand for two processes.
 */
export function describeBreakersContract(name: string, makeWorld: MakeWorld): void {
  describe(`breakers contract: ${name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function setup(overrides: Partial<BreakerConfig> = {}) {
      const config = { ...baseConfig, ...overrides };
      const world = await makeWorld(config);
      cleanups.push(() => world.cleanup());
      const clock = new FakeClock();
      const target = randomTarget();
      const process = async () => {
        const store = countingStore(world.store());
        const breakers = await new StoreBreakers({
          store,
          now: clock.now,
          logger: createLogger('breaker', 'silent'),
          successFlushMs: 10_000,
        }).start([target]);
        const transitions: BreakerTransition[] = [];
        breakers.onTransition((t) => transitions.push(t));
        cleanups.push(() => breakers.close());
        return { breakers, store, transitions };
      };
      return { clock, target, process };
    }

    async function failTimes(
      breakers: StoreBreakers,
      target: string,
      times: number,
    ): Promise<void> {
      for (let i = 0; i < times; i++) {
        const permit = await breakers.acquire(target);
        if (!permit) throw new Error('refused');
        await breakers.recordFailure(permit, transient());
      }
    }

    it('a closed breaker answers acquire locally, with no round trip', async () => {
      const { target, process } = await setup();
      const a = await process();
      for (let i = 0; i < 20; i++)
        expect(await a.breakers.acquire(target)).toEqual({ target, probe: false });
      expect(a.store.events).toEqual([]);
      expect(a.breakers.state(target)).toBe('closed');
    });

    it('opens at the threshold, then refuses locally and shows why', async () => {
      const { clock, target, process } = await setup();
      const a = await process();
      await failTimes(a.breakers, target, 3);
      expect(a.breakers.state(target)).toBe('open');
      const before = a.store.events.length;
      expect(await a.breakers.acquire(target)).toBeNull();
      expect(a.store.events.length).toBe(before);
      const snapshot = await a.breakers.snapshot(target);
      expect(snapshot).toMatchObject({
        state: 'open',
        since: new Date(clock.ms).toISOString(),
        calls: 3,
        failures: 3,
        half_open_at: new Date(clock.ms + 1_000).toISOString(),
      });
      expect(snapshot.last_errors).toHaveLength(3);
      await expect
        .poll(() => a.transitions.map((t) => t.to), { timeout: LEARN_WITHIN_MS })
        .toEqual(['open']);
      expect(a.transitions[0]?.reason).toBe('3 consecutive failures within 10000 ms');
    });

    it('after the reset timeout lets halfOpenMaxCalls probes through; probe successes close it', async () => {
      const { clock, target, process } = await setup();
      const a = await process();
      await failTimes(a.breakers, target, 3);
      clock.tick(1_000);
      const p1 = await a.breakers.acquire(target);
      const p2 = await a.breakers.acquire(target);
      expect([p1?.probe, p2?.probe]).toEqual([true, true]);
      expect(await a.breakers.acquire(target)).toBeNull();
      expect(a.breakers.state(target)).toBe('half_open');
      a.breakers.recordSuccess(p1!);
      a.breakers.recordSuccess(p2!);
      await expect
        .poll(() => a.breakers.state(target), { timeout: LEARN_WITHIN_MS })
        .toBe('closed');
      await expect
        .poll(() => a.transitions.map((t) => t.to), { timeout: LEARN_WITHIN_MS })
        .toEqual(['open', 'half_open', 'closed']);
    });

    it('a probe failure re-opens; a caller error on a probe only frees the slot', async () => {
      const { clock, target, process } = await setup({ halfOpenMaxCalls: 1 });
      const a = await process();
      await failTimes(a.breakers, target, 3);
      clock.tick(1_000);
      const probe = await a.breakers.acquire(target);
      await a.breakers.recordFailure(probe!, failureOf('caller', 400));
      const again = await a.breakers.acquire(target);
      expect(again?.probe).toBe(true);
      await a.breakers.recordFailure(again!, transient());
      expect(a.breakers.state(target)).toBe('open');
      expect((await a.breakers.snapshot(target)).half_open_at).toBe(
        new Date(clock.ms + 2_000).toISOString(),
      );
    });

    it('batches successes of a closed breaker, and counts them before a later failure', async () => {
      const { target, process } = await setup();
      const a = await process();
      await failTimes(a.breakers, target, 2);
      const permit = await a.breakers.acquire(target);
      a.breakers.recordSuccess(permit!);
      a.breakers.recordSuccess(permit!);
      expect(a.store.events.filter((e) => e.type === 'success')).toEqual([]);
      await failTimes(a.breakers, target, 1);
      expect(a.breakers.state(target)).toBe('closed');
      expect(a.store.events.filter((e) => e.type === 'success')).toEqual([
        expect.objectContaining({ count: 2, probe: false }),
      ]);
      expect(await a.breakers.snapshot(target)).toMatchObject({ calls: 5, failures: 3 });
    });

    it('caller and context_length errors never reach the store', async () => {
      const { target, process } = await setup();
      const a = await process();
      const permit = await a.breakers.acquire(target);
      for (let i = 0; i < 10; i++) {
        await a.breakers.recordFailure(permit!, failureOf('caller', 422));
        await a.breakers.recordFailure(permit!, failureOf('context_length', 400));
      }
      expect(a.store.events).toEqual([]);
    });

    it('a misconfigured target opens at once', async () => {
      const { target, process } = await setup();
      const a = await process();
      const permit = await a.breakers.acquire(target);
      await a.breakers.recordFailure(permit!, failureOf('misconfigured', 401));
      expect(a.breakers.state(target)).toBe('open');
    });

    it('two processes share one breaker: failures add up and both learn the transition', async () => {
      const { target, process } = await setup();
      const a = await process();
      const b = await process();
      await failTimes(a.breakers, target, 2);
      await failTimes(b.breakers, target, 1);
      expect(b.breakers.state(target)).toBe('open');
      await expect
        .poll(() => a.breakers.state(target), { timeout: LEARN_WITHIN_MS, interval: 5 })
        .toBe('open');
      await expect.poll(() => a.transitions.length, { timeout: LEARN_WITHIN_MS }).toBe(1);
      expect(b.transitions).toHaveLength(1);
      expect(await a.breakers.acquire(target)).toBeNull();
    });

    it('an operator force in one process holds in the other until auto', async () => {
      const { target, process } = await setup();
      const a = await process();
      const b = await process();
      await a.breakers.force(target, 'open');
      await expect
        .poll(() => b.breakers.state(target), { timeout: LEARN_WITHIN_MS, interval: 5 })
        .toBe('forced_open');
      expect(await b.breakers.acquire(target)).toBeNull();
      await a.breakers.force(target, 'close');
      await expect
        .poll(() => b.breakers.state(target), { timeout: LEARN_WITHIN_MS, interval: 5 })
        .toBe('forced_closed');
      await failTimes(b.breakers, target, 5);
      expect(b.breakers.state(target)).toBe('forced_closed');
      await b.breakers.force(target, 'auto');
      await expect
        .poll(() => a.breakers.state(target), { timeout: LEARN_WITHIN_MS, interval: 5 })
        .toBe('closed');
      expect(a.transitions.map((t) => `${t.from}>${t.to}:${t.reason}`)).toEqual([
        'closed>forced_open:forced open by operator',
        'forced_open>forced_closed:forced closed by operator',
        'forced_closed>closed:released by operator',
      ]);
    });

    it('announces the half-open when the reset timeout ends, with nobody calling', async () => {
      const { clock, target, process } = await setup({ resetTimeoutMs: 50, maxResetTimeoutMs: 50 });
      const a = await process();
      const b = await process();
      await failTimes(a.breakers, target, 3);
      // The timers wait for the real delay (50 ms); the clock they read is the test's.
      clock.tick(50);
      await expect
        .poll(() => b.breakers.state(target), { timeout: 1_000, interval: 5 })
        .toBe('half_open');
      await expect
        .poll(() => a.transitions.map((t) => t.to), { timeout: 1_000 })
        .toEqual(['open', 'half_open']);
      expect(b.transitions.map((t) => t.to)).toEqual(['open', 'half_open']);
    });

    it('close sends pending successes', async () => {
      const { target, process } = await setup();
      const a = await process();
      const permit = await a.breakers.acquire(target);
      for (let i = 0; i < 4; i++) a.breakers.recordSuccess(permit!);
      await a.breakers.close();
      const b = await process();
      expect(await b.breakers.snapshot(target)).toMatchObject({
        state: 'closed',
        calls: 4,
        failures: 0,
      });
    });
  });
}
