import { createLogger, type Logger } from '../util/log.js';
import { snapshotOf } from './codec.js';
import { countsAsFailure, normaliseFailure } from './failure.js';
import { needsStore, localStateOf, type LocalState } from './local-state.js';
import type { BreakerEvent, BreakerState, Decision } from './state.js';
import type { BreakerStore, StoreTransition } from './store.js';
import type {
  BreakerAction,
  BreakerFailure,
  BreakerSnapshot,
  BreakerStateName,
  BreakerTransition,
  Breakers,
  Permit,
} from './types.js';

export interface StoreBreakersOptions {
  store: BreakerStore;
  /** The clock, epoch ms. Default `Date.now`; tests inject their own. */
  now?: () => number;
  /** Default `createLogger('breaker')`. */
  logger?: Logger;
  /** Targets whose state is loaded before the factory resolves; others load on first use. */
  targets?: string[];
  /** Successes of closed breakers are sent at least this often. Default 50. */
  successFlushMs?: number;
  /** A target's pending successes are sent once this many have gathered. Default 100. */
  successBatchSize?: number;
}

interface Pending {
  count: number;
  atMs: number;
}

/** Longest delay setTimeout accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The `Breakers` a worker uses, over any store. Keeps a local state of each target, kept in step by
 * announcements, so that a closed breaker costs no round trip; batches the successes of closed
 * breakers; sends failures, probes and operator actions at once.
 */
export class StoreBreakers implements Breakers {
  private readonly store: BreakerStore;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly startedAtMs: number;
  private readonly known = new Map<string, LocalState>();
  /** Announcements seen per target: a reply older than an announcement must not overwrite it. */
  private readonly seen = new Map<string, number>();
  private readonly loads = new Map<string, Promise<LocalState>>();
  private readonly pending = new Map<string, Pending>();
  private readonly halfOpenTimers = new Map<string, NodeJS.Timeout>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly listeners = new Set<(transition: BreakerTransition) => void>();
  private flushTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private closed = false;

  constructor(options: StoreBreakersOptions) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? createLogger('breaker');
    this.flushMs = options.successFlushMs ?? 50;
    this.batchSize = options.successBatchSize ?? 100;
    this.startedAtMs = this.now();
  }

  /** Subscribes to announcements, then loads the given targets. */
  async start(targets: readonly string[] = []): Promise<this> {
    this.unsubscribe = await this.store.subscribe(
      (t) => this.onAnnouncement(t),
      () => this.resync(),
    );
    await Promise.all(targets.map((t) => this.load(t)));
    return this;
  }

  async acquire(target: string): Promise<Permit | null> {
    if (this.closed) return null;
    const local = this.known.get(target) ?? (await this.load(target));
    if (local.name === 'closed' || local.name === 'forced_closed') return { target, probe: false };
    if (!needsStore(local, this.now())) return null;
    try {
      const decision = await this.apply(target, { type: 'acquire' });
      return decision.grant ? { target, probe: decision.grant === 'probe' } : null;
    } catch (error) {
      this.logger.warn(
        { provider_target: target, err: String(error) },
        'probe acquire failed; call refused',
      );
      return null;
    }
  }

  recordSuccess(permit: Permit): void {
    if (this.closed) return;
    const nowMs = this.now();
    if (permit.probe) {
      // A probe's success may close the breaker: it goes at once.
      this.track(
        this.apply(permit.target, { type: 'success', probe: true, count: 1, atMs: nowMs }),
      );
      return;
    }
    const pending = this.pending.get(permit.target) ?? { count: 0, atMs: nowMs };
    pending.count += 1;
    pending.atMs = nowMs;
    this.pending.set(permit.target, pending);
    if (pending.count >= this.batchSize) this.track(this.flushTarget(permit.target));
    else this.flushTimer ??= setTimeout(() => this.flushAll(), this.flushMs);
  }

  async recordFailure(permit: Permit, failure: BreakerFailure): Promise<void> {
    const normal = normaliseFailure(failure);
    if (!countsAsFailure(normal.errorClass)) {
      this.release(permit);
      return;
    }
    // Sent first on the same connection, so Redis counts earlier successes before this failure.
    const flushed = this.flushTarget(permit.target);
    try {
      await this.apply(permit.target, { type: 'failure', probe: permit.probe, failure: normal });
    } catch (error) {
      this.logger.warn(
        { provider_target: permit.target, err: String(error) },
        'breaker failure not recorded',
      );
    }
    await flushed;
  }

  release(permit: Permit): void {
    if (permit.probe) this.track(this.apply(permit.target, { type: 'release', probe: true }));
  }

  state(target: string): BreakerStateName {
    const local = this.known.get(target);
    if (local) return local.name;
    this.track(this.load(target));
    return 'closed';
  }

  async snapshot(target: string): Promise<BreakerSnapshot> {
    return snapshotOf(await this.store.read(target, this.now()), this.startedAtMs);
  }

  async force(target: string, action: BreakerAction): Promise<void> {
    await this.apply(target, { type: 'force', action });
  }

  onTransition(listener: (transition: BreakerTransition) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Sends every pending success now. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((t) => this.flushTarget(t)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.flushTimer);
    for (const timer of this.halfOpenTimers.values()) clearTimeout(timer);
    this.halfOpenTimers.clear();
    // Pending successes and transitions in flight go out while the store can take them.
    await this.store.settle(Promise.allSettled([this.flush(), ...this.inflight]));
    await this.unsubscribe?.();
    await this.store.close();
  }

  /** Applies an event in the store and takes the answer as the local state, unless it is stale. */
  private async apply(target: string, event: BreakerEvent): Promise<Decision> {
    const seenBefore = this.seen.get(target) ?? 0;
    const decision = await this.store.apply(target, event, this.now());
    if ((this.seen.get(target) ?? 0) === seenBefore) this.setLocal(target, decision.state);
    if (decision.transition) {
      const { from, to, reason } = decision.transition;
      this.logger.info(
        { provider_target: target, from, to, reason },
        `breaker ${target}: ${from} -> ${to}`,
      );
    }
    return decision;
  }

  private load(target: string): Promise<LocalState> {
    const existing = this.loads.get(target);
    if (existing) return existing;
    const seenBefore = this.seen.get(target) ?? 0;
    const loading = this.store
      .read(target, this.now())
      .then((state) => {
        if ((this.seen.get(target) ?? 0) === seenBefore) this.setLocal(target, state);
        return this.known.get(target) ?? localStateOf(state);
      })
      .finally(() => this.loads.delete(target));
    this.loads.set(target, loading);
    return loading;
  }

  private resync(): void {
    this.logger.info(
      { targets: this.known.size },
      'breaker announcements resumed; reloading states',
    );
    for (const target of this.known.keys()) this.track(this.load(target));
  }

  private onAnnouncement(transition: StoreTransition): void {
    const { target, from, to, reason, atMs } = transition;
    this.seen.set(target, (this.seen.get(target) ?? 0) + 1);
    this.setLocal(target, transition.state);
    this.logger.debug(
      { provider_target: target, from, to, reason },
      'breaker transition announced',
    );
    const event: BreakerTransition = { target, from, to, reason, at: new Date(atMs).toISOString() };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error(
          { provider_target: target, err: String(error) },
          'breaker transition listener threw',
        );
      }
    }
  }

  private setLocal(target: string, state: BreakerState): void {
    const local = localStateOf(state);
    this.known.set(target, local);
    this.scheduleHalfOpen(target, local);
  }

  /** Nudges the store when the reset timeout ends, so the half-open transition is announced. */
  private scheduleHalfOpen(target: string, local: LocalState): void {
    clearTimeout(this.halfOpenTimers.get(target));
    this.halfOpenTimers.delete(target);
    if (this.closed || local.name !== 'open' || local.halfOpenAtMs === null) return;
    const delayMs = Math.min(Math.max(0, local.halfOpenAtMs - this.now()), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.halfOpenTimers.delete(target);
      this.track(this.apply(target, { type: 'tick' }));
    }, delayMs);
    timer.unref();
    this.halfOpenTimers.set(target, timer);
  }

  private flushAll(): void {
    this.flushTimer = undefined;
    this.track(this.flush());
  }

  private async flushTarget(target: string): Promise<void> {
    const pending = this.pending.get(target);
    if (!pending) return;
    this.pending.delete(target);
    try {
      await this.apply(target, {
        type: 'success',
        probe: false,
        count: pending.count,
        atMs: pending.atMs,
      });
    } catch (error) {
      this.logger.warn(
        { provider_target: target, err: String(error), count: pending.count },
        'breaker successes lost',
      );
    }
  }

  /** Fire-and-forget work is kept so that `close` can wait for it; its errors are logged. */
  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => {
      this.logger.warn({ err: String(error) }, 'breaker background update failed');
    });
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
  }
}
