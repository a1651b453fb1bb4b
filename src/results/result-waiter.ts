import type { RedisClient } from '../util/redis.js';
import type { Keys } from '../ladder/keys.js';
import type { JobResult } from '../ladder/result.js';
import { isFinalRecord, type ResultStore } from './result-store.js';

/**
 * Waits for final results wherever on the ladder a job ends: one subscription per process to the
 * results channel, rather than BullMQ's per-queue events, which a rerouted job never fires.
 */
export class ResultWaiter {
  private readonly waiting = new Map<string, Set<() => void>>();
  private subscribed: Promise<unknown> | undefined;
  private closed = false;

  constructor(
    private readonly subscriber: RedisClient,
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

  /**
   * The record once final, or as it is when `timeoutMs` runs out (null when unknown). `id` may be
   * a raw producer's BullMQ id aliased to another record: then that record's id is watched too.
   * `abort` ends the wait early with null, the record not read again (a stream reader that went
   * away: its stream had the final event, or its client left).
   */
  async wait(id: string, timeoutMs: number, abort?: AbortSignal): Promise<JobResult | null> {
    await this.subscribe();
    const until = Date.now() + timeoutMs;
    let signal: () => void = () => undefined;
    const wake = (): void => signal();
    const watched: string[] = [];
    const watch = (key: string): void => {
      const wakers = this.waiting.get(key) ?? new Set();
      wakers.add(wake);
      this.waiting.set(key, wakers);
      watched.push(key);
    };
    watch(id);
    abort?.addEventListener('abort', wake, { once: true });
    let timer: NodeJS.Timeout | undefined;
    try {
      for (;;) {
        // A reader that went away (a stream that got its final event) needs no last read.
        if (abort?.aborted) return null;
        const woken = new Promise<void>((resolve) => (signal = resolve));
        // Subscribed before reading, so a result finalised in between still wakes us.
        const now = await this.store.get(id);
        if (now !== null && !watched.includes(now.id)) {
          watch(now.id);
          continue; // read again: it may have become final before we watched it
        }
        const left = until - Date.now();
        if (isFinalRecord(now) || left <= 0 || this.closed || abort?.aborted) return now;
        const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, left)));
        await Promise.race([woken, timedOut]);
        clearTimeout(timer);
      }
    } finally {
      clearTimeout(timer);
      abort?.removeEventListener('abort', wake);
      for (const key of watched) {
        const wakers = this.waiting.get(key);
        wakers?.delete(wake);
        if (wakers?.size === 0) this.waiting.delete(key);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wakers of this.waiting.values()) for (const wake of wakers) wake();
    this.waiting.clear();
  }
}
