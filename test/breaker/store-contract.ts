import { describe, expect, it } from 'vitest';
import { windowTotals } from '../../src/breaker/window.js';
import { T0, failureOf, transient } from './fixtures.js';
import { describeForcedAndAnnounced } from './store-contract-forced.js';
import { storeHarness, type MakeStore } from './store-contract-setup.js';

export type { MakeStore };

/**
 * The breaker's behaviour, written once and run against every store: the in-memory one (the pure
 * policy) and Redis (the Lua mirror). Time is passed in explicitly; nothing sleeps.
 */
export function describeStoreContract(name: string, makeStore: MakeStore): void {
  describe(`breaker store contract: ${name}`, () => {
    const setup = storeHarness(makeStore);

    describe('closed', () => {
      it('lets calls through', async () => {
        const b = await setup();
        expect((await b.acquire(T0)).grant).toBe('call');
        expect((await b.read(T0)).name).toBe('closed');
      });

      it('opens at failureThreshold consecutive failures, not one below', async () => {
        const b = await setup();
        expect((await b.fail(T0)).transition).toBeNull();
        expect((await b.fail(T0 + 1)).transition).toBeNull();
        const third = await b.fail(T0 + 2);
        expect(third.transition).toEqual({
          from: 'closed',
          to: 'open',
          reason: '3 consecutive failures within 10000 ms',
        });
        expect(third.state).toMatchObject({
          name: 'open',
          sinceMs: T0 + 2,
          halfOpenAtMs: T0 + 2 + 1000,
        });
      });

      it('a success ends the run of failures', async () => {
        const b = await setup();
        await b.fail(T0);
        await b.fail(T0 + 1);
        await b.succeed(T0 + 2);
        await b.fail(T0 + 3);
        expect((await b.fail(T0 + 4)).transition).toBeNull();
        expect((await b.fail(T0 + 5)).state.name).toBe('open');
      });

      it('a late batch of successes ends only the failures before it', async () => {
        const b = await setup();
        await b.fail(T0 + 10);
        await b.fail(T0 + 20);
        await b.apply({ type: 'success', probe: false, count: 5, atMs: T0 + 15 }, T0 + 30);
        expect((await b.fail(T0 + 40)).transition).toBeNull();
        expect((await b.fail(T0 + 50)).state.name).toBe('open');
      });

      it('failures older than the window leave the run', async () => {
        const b = await setup();
        await b.fail(T0);
        await b.fail(T0 + 1);
        expect((await b.fail(T0 + 10_000)).transition).toBeNull();
        expect((await b.fail(T0 + 10_001)).transition).toBeNull();
        expect((await b.fail(T0 + 10_002)).state.name).toBe('open');
      });

      it('opens when the failure rate is reached after minimumCalls, not one call below', async () => {
        const b = await setup({ failureThreshold: 100 });
        await b.succeed(T0, 5);
        for (let i = 0; i < 4; i++) expect((await b.fail(T0 + i)).transition).toBeNull();
        const tenth = await b.fail(T0 + 10);
        expect(tenth.transition?.reason).toBe('failure rate 5/10 reached 0.5 after 10 calls');
      });

      it('stays closed one failure below the rate', async () => {
        const b = await setup({ failureThreshold: 100 });
        await b.succeed(T0, 6);
        for (let i = 0; i < 4; i++) await b.fail(T0 + i);
        const state = await b.read(T0 + 10);
        expect(state.name).toBe('closed');
        expect(windowTotals(state.buckets)).toEqual({ calls: 10, failures: 4 });
      });

      it('accepts failureRate 1: opens only when every call failed', async () => {
        const b = await setup({ failureThreshold: 100, failureRate: 1, minimumCalls: 3 });
        await b.fail(T0);
        expect((await b.fail(T0 + 1)).transition).toBeNull();
        expect((await b.fail(T0 + 2)).state.name).toBe('open');
        const c = await setup({ failureThreshold: 100, failureRate: 1, minimumCalls: 3 });
        await c.succeed(T0);
        for (let i = 0; i < 5; i++) await c.fail(T0 + i);
        expect((await c.read(T0 + 5)).name).toBe('closed');
      });

      it('forgets calls once they leave the window', async () => {
        const b = await setup({ failureThreshold: 100 });
        await b.succeed(T0, 3);
        await b.fail(T0);
        expect(windowTotals((await b.read(T0 + 1)).buckets)).toEqual({ calls: 4, failures: 1 });
        expect(windowTotals((await b.read(T0 + 11_000)).buckets)).toEqual({
          calls: 0,
          failures: 0,
        });
      });

      it('a misconfigured target opens at once', async () => {
        const b = await setup();
        const decision = await b.fail(T0, {
          ...failureOf('misconfigured', 404),
          message: 'model not found',
        });
        expect(decision.transition).toEqual({
          from: 'closed',
          to: 'open',
          reason: 'misconfigured (404): model not found',
        });
      });

      it('caller and context_length errors count as neither success nor failure', async () => {
        const b = await setup({ minimumCalls: 1, failureRate: 0.1 });
        for (let i = 0; i < 10; i++) {
          await b.fail(T0 + i, failureOf('caller', 400));
          await b.fail(T0 + i, failureOf('context_length', 413));
        }
        const state = await b.read(T0 + 10);
        expect(state.name).toBe('closed');
        expect(windowTotals(state.buckets)).toEqual({ calls: 0, failures: 0 });
        expect(state.lastErrors).toEqual([]);
      });

      it('keeps the last five errors, newest first', async () => {
        const b = await setup({ failureThreshold: 100, minimumCalls: 100 });
        for (let i = 0; i < 7; i++)
          await b.fail(T0 + i, transient({ status: 500 + i, message: `e${i}` }));
        const state = await b.read(T0 + 10);
        expect(state.lastErrors.map((e) => e.message)).toEqual(['e6', 'e5', 'e4', 'e3', 'e2']);
        expect(state.lastErrors[0]).toEqual({
          at: new Date(T0 + 6).toISOString(),
          class: 'transient',
          status: 506,
          message: 'e6',
        });
      });
    });

    describe('open', () => {
      it('refuses calls until the reset timeout is over, then grants one probe and half-opens', async () => {
        const b = await setup();
        const at = await b.open(T0);
        expect(at).toBe(T0 + 1000);
        expect((await b.acquire(at - 1)).grant).toBeNull();
        const probe = await b.acquire(at);
        expect(probe.grant).toBe('probe');
        expect(probe.transition).toEqual({
          from: 'open',
          to: 'half_open',
          reason: 'reset timeout elapsed',
        });
        expect(probe.state).toMatchObject({ name: 'half_open', probes: 1, successes: 0 });
      });

      it('half-opens on a tick once due, not before', async () => {
        const b = await setup();
        const at = await b.open(T0);
        expect((await b.apply({ type: 'tick' }, at - 1)).transition).toBeNull();
        const tick = await b.apply({ type: 'tick' }, at);
        expect(tick.transition?.to).toBe('half_open');
        expect(tick.state).toMatchObject({ name: 'half_open', probes: 0 });
        expect((await b.apply({ type: 'tick' }, at + 1)).transition).toBeNull();
      });

      it('a Retry-After longer than the reset timeout stretches it, capped at maxResetTimeoutMs', async () => {
        const b = await setup();
        expect(await b.open(T0, transient({ retryAfterMs: 2_500 }))).toBe(T0 + 2_500);
        const c = await setup();
        expect(await c.open(T0, transient({ retryAfterMs: 60_000 }))).toBe(T0 + 4_000);
        const d = await setup();
        expect(await d.open(T0, transient({ retryAfterMs: 300 }))).toBe(T0 + 1_000);
      });

      it('late calls from before the opening change nothing', async () => {
        const b = await setup();
        const at = await b.open(T0);
        expect((await b.succeed(T0 + 1)).transition).toBeNull();
        expect((await b.fail(T0 + 2)).transition).toBeNull();
        expect(await b.read(T0 + 3)).toMatchObject({ name: 'open', halfOpenAtMs: at });
      });
    });

    describe('half-open', () => {
      async function halfOpen(b: Awaited<ReturnType<typeof setup>>): Promise<number> {
        const at = await b.open(T0);
        await b.apply({ type: 'tick' }, at);
        return at;
      }

      it('grants at most halfOpenMaxCalls probes at once; a release frees a slot', async () => {
        const b = await setup();
        const at = await halfOpen(b);
        expect((await b.acquire(at)).grant).toBe('probe');
        expect((await b.acquire(at)).grant).toBe('probe');
        expect((await b.acquire(at)).grant).toBeNull();
        await b.apply({ type: 'release', probe: true }, at + 1);
        expect((await b.acquire(at + 2)).grant).toBe('probe');
        expect((await b.acquire(at + 2)).grant).toBeNull();
      });

      it('a caller error on a probe frees its slot without counting', async () => {
        const b = await setup({ halfOpenMaxCalls: 1 });
        const at = await halfOpen(b);
        await b.acquire(at);
        const decision = await b.fail(at + 1, failureOf('caller', 422), true);
        expect(decision.state).toMatchObject({ name: 'half_open', probes: 0 });
        expect((await b.acquire(at + 2)).grant).toBe('probe');
      });

      it('takes back probe slots held past the lease', async () => {
        const b = await setup({ halfOpenMaxCalls: 1, resetTimeoutMs: 1_000 });
        const at = await halfOpen(b);
        await b.acquire(at);
        expect((await b.acquire(at + 59_999)).grant).toBeNull();
        expect((await b.acquire(at + 60_000)).grant).toBe('probe');
      });

      it('closes after halfOpenSuccesses probe successes and clears the counters', async () => {
        const b = await setup();
        const at = await halfOpen(b);
        await b.acquire(at);
        await b.acquire(at);
        expect((await b.succeed(at + 1, 1, true)).state).toMatchObject({
          name: 'half_open',
          successes: 1,
          probes: 1,
        });
        const second = await b.succeed(at + 2, 1, true);
        expect(second.transition).toEqual({
          from: 'half_open',
          to: 'closed',
          reason: '2 probe(s) succeeded',
        });
        const state = await b.read(at + 3);
        expect(state).toMatchObject({ name: 'closed', sinceMs: at + 2, streak: [] });
        expect(windowTotals(state.buckets)).toEqual({ calls: 0, failures: 0 });
        expect(state.lastErrors).toHaveLength(3);
      });

      it('a success that is not a probe does not close', async () => {
        const b = await setup();
        const at = await halfOpen(b);
        expect((await b.succeed(at + 1, 5)).state).toMatchObject({
          name: 'half_open',
          successes: 0,
        });
      });

      it('a probe failure re-opens, doubling the timeout up to the cap', async () => {
        const b = await setup();
        let at = await b.open(T0);
        const timeouts: number[] = [];
        for (let i = 0; i < 4; i++) {
          await b.acquire(at);
          const reopened = await b.fail(at, transient(), true);
          expect(reopened.transition?.reason).toBe('probe failed: transient (503): unavailable');
          if (reopened.state.name !== 'open') throw new Error('expected open');
          timeouts.push(reopened.state.halfOpenAtMs - at);
          at = reopened.state.halfOpenAtMs;
        }
        expect(timeouts).toEqual([2_000, 4_000, 4_000, 4_000]);
      });

      it('a success in between resets the backoff', async () => {
        const b = await setup({ halfOpenSuccesses: 1 });
        let at = await b.open(T0);
        await b.acquire(at);
        const reopened = await b.fail(at, transient(), true);
        if (reopened.state.name !== 'open') throw new Error('expected open');
        at = reopened.state.halfOpenAtMs;
        await b.acquire(at);
        expect((await b.succeed(at, 1, true)).state.name).toBe('closed');
        expect(await b.open(at + 1)).toBe(at + 1 + 1_000);
      });

      it('a Retry-After stretches a re-open too', async () => {
        const b = await setup();
        const at = await b.open(T0);
        await b.acquire(at);
        const reopened = await b.fail(at, transient({ retryAfterMs: 3_000 }), true);
        expect(reopened.state).toMatchObject({ name: 'open', halfOpenAtMs: at + 3_000 });
      });
    });

    describeForcedAndAnnounced(setup);
  });
}
