import { describe, expect, it } from 'vitest';
import type { StoreTransition } from '../../src/breaker/store.js';
import { windowTotals } from '../../src/breaker/window.js';
import { T0, failureOf } from './fixtures.js';
import type { StoreSetup } from './store-contract-setup.js';

/** The contract's operator overrides and transition announcements, for every store. */
export function describeForcedAndAnnounced(setup: StoreSetup): void {
  describe('forced', () => {
    it('forced_open refuses every call until auto, which closes with counters cleared', async () => {
      const b = await setup();
      await b.fail(T0);
      const forced = await b.apply({ type: 'force', action: 'open' }, T0 + 1);
      expect(forced.transition).toEqual({
        from: 'closed',
        to: 'forced_open',
        reason: 'forced open by operator',
      });
      expect((await b.acquire(T0 + 100_000)).grant).toBeNull();
      expect((await b.apply({ type: 'tick' }, T0 + 100_000)).transition).toBeNull();
      expect((await b.apply({ type: 'force', action: 'open' }, T0 + 2)).transition).toBeNull();
      const auto = await b.apply({ type: 'force', action: 'auto' }, T0 + 3);
      expect(auto.transition).toEqual({
        from: 'forced_open',
        to: 'closed',
        reason: 'released by operator',
      });
      const state = await b.read(T0 + 4);
      expect(state).toMatchObject({ name: 'closed', sinceMs: T0 + 3, streak: [] });
      expect(windowTotals(state.buckets)).toEqual({ calls: 0, failures: 0 });
    });

    it('forced_closed lets calls through whatever fails', async () => {
      const b = await setup();
      await b.open(T0);
      const forced = await b.apply({ type: 'force', action: 'close' }, T0 + 1);
      expect(forced.transition).toEqual({
        from: 'open',
        to: 'forced_closed',
        reason: 'forced closed by operator',
      });
      for (let i = 0; i < 10; i++) await b.fail(T0 + 2, failureOf('misconfigured', 401));
      expect((await b.acquire(T0 + 3)).grant).toBe('call');
      expect((await b.read(T0 + 3)).name).toBe('forced_closed');
      expect((await b.apply({ type: 'force', action: 'auto' }, T0 + 4)).state.name).toBe('closed');
    });

    it('auto does nothing to a breaker that is not forced', async () => {
      const b = await setup();
      const at = await b.open(T0);
      expect((await b.apply({ type: 'force', action: 'auto' }, T0 + 1)).transition).toBeNull();
      expect(await b.read(T0 + 1)).toMatchObject({ name: 'open', halfOpenAtMs: at });
    });
  });

  it('announces each transition once, with the new state', async () => {
    const b = await setup();
    const seen: StoreTransition[] = [];
    const unsubscribe = await b.store.subscribe((t) => {
      if (t.target === b.target) seen.push(t);
    });
    const at = await b.open(T0);
    await b.acquire(at);
    await expect.poll(() => seen.length, { timeout: 1_000, interval: 5 }).toBe(2);
    expect(seen.map((t) => [t.from, t.to])).toEqual([
      ['closed', 'open'],
      ['open', 'half_open'],
    ]);
    expect(seen[0]).toMatchObject({ atMs: T0, state: { name: 'open', halfOpenAtMs: at } });
    await unsubscribe();
  });
}
