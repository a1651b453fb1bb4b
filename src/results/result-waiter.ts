import type { Redis } from 'ioredis';
import type { Keys } from '../ladder/keys.js';
import type { JobResult } from '../ladder/result.js';
import { ResultStore } from './result-store.js';

/**
 * Waits for final results wherever on the ladder a job ends: one subscription per process to the
 * results channel, rather than BullMQ's per-queue events, which a rerouted job never fires.
 */
export class ResultWaiter {
  private readonly waiting = new Map<string, Set<() => void>>();
  private subscribed: Promise<unknown> | undefined;

  constructor(
    private readonly subscriber: Redis,
    private readonly keys: Keys,
    private readonly store: ResultStore,
  ) {
    subscriber.on('message', (channel: string, id: string) => {
      if (channel !== keys.resultsChannel()) return;
      const wakers = this.waiting.get(id);
      if (wakers) for (const wake of wakers) wake();
    });
  }

  private subscribe(): Promise<unknown> {
    this.subscribed ??= this.subscriber.subscribe(this.keys.resultsChannel());
    return this.subscribed;
  }

  /** The record once final, or as it is when `timeoutMs` runs out (null when unknown). */
  async wait(id: string, timeoutMs: number): Promise<JobResult | null> {
    await this.subscribe();
    let wake: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const wakers = this.waiting.get(id) ?? new Set();
    wakers.add(wake);
    this.waiting.set(id, wakers);
    let timer: NodeJS.Timeout | undefined;
    try {
      // Subscribed before reading, so a result finalised in between still wakes us.
      const now = await this.store.get(id);
      if (ResultStore.isFinal(now) || timeoutMs <= 0) return now;
      const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([woken, timedOut]);
      return await this.store.get(id);
    } finally {
      clearTimeout(timer);
      wakers.delete(wake);
      if (wakers.size === 0) this.waiting.delete(id);
    }
  }

  async close(): Promise<void> {
    for (const wakers of this.waiting.values()) for (const wake of wakers) wake();
    this.waiting.clear();
  }
}
