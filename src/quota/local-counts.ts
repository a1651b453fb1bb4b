import type { RedisClient } from '../util/redis.js';
import type { QuotaKeys } from './keys.js';

interface Pending {
  /** second → [requests, tokens] started in it. */
  seconds: Map<number, [number, number]>;
  inFlight: number;
}

/**
 * Starts of calls admitted without a round trip, counted here and written once a second, so the
 * ladder state shows a quiet target's last-minute use and calls in flight at the price of one
 * pipelined write per second per target instead of two round trips per call.
 */
export class LocalCounts {
  private readonly pending = new Map<string, Pending>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly o: {
      redis: RedisClient;
      keysFor: (target: string) => QuotaKeys;
      process: string;
      now: () => number;
      ttlMs: number;
      flushMs?: number;
    },
  ) {
    this.timer = setInterval(() => void this.flush(), o.flushMs ?? 1000);
    this.timer.unref();
  }

  private entry(target: string): Pending {
    let p = this.pending.get(target);
    if (!p) {
      p = { seconds: new Map(), inFlight: 0 };
      this.pending.set(target, p);
    }
    return p;
  }

  started(target: string, tokens: number): void {
    const p = this.entry(target);
    const second = Math.floor(this.o.now() / 1000);
    const [requests, sum] = p.seconds.get(second) ?? [0, 0];
    p.seconds.set(second, [requests + 1, sum + tokens]);
    p.inFlight += 1;
  }

  ended(target: string): void {
    const p = this.entry(target);
    p.inFlight = Math.max(0, p.inFlight - 1);
  }

  /** Writes what was counted since the last flush; a failed write is dropped (it is only a view). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write()).catch(() => undefined);
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const multi = this.o.redis.pipeline();
    const now = this.o.now();
    for (const [target, p] of this.pending) {
      const k = this.o.keysFor(target);
      for (const [second, [requests, tokens]] of p.seconds) {
        multi.hincrby(k.buckets, `r:${second}`, requests);
        if (tokens > 0) multi.hincrby(k.buckets, `t:${second}`, tokens);
      }
      multi.hset(k.state, `p:${this.o.process}`, `${p.inFlight}:${now}`);
      multi.pexpire(k.buckets, this.o.ttlMs);
      multi.pexpire(k.state, this.o.ttlMs);
      p.seconds.clear();
      if (p.inFlight === 0) this.pending.delete(target);
    }
    await multi.exec();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
