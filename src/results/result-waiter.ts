import type { RedisClient } from '../util/redis.js';
import type { Keys } from '../ladder/keys.js';
import type { JobResult } from '../ladder/result.js';
import { isFinalRecord, type ResultStore } from './result-store.js';
import { ChannelSubscription } from './subscription.js';

/** Wakes one wait: with the final record when its announcement carried it. */
type Wake = (record?: JobResult) => void;

/** What `wait`'s `before` did: whether it created the record the wait is for. */
export interface BeforeWait {
  /**
   * True when `before` created the record (a fresh enqueue): its end cannot have been announced
   * before the watch began, so the wait reads nothing until an announcement, a resubscription or
   * its deadline says to.
   */
  created: boolean;
}

export interface WaitOptions {
  /**
   * For a job the caller has just created: its announcement answers at once, and the first read of
   * the record (which only finds a job that ended before the watch began) waits that long, so a
   * wait that its announcement or `abort` ends first reads nothing.
   */
  readAfterMs?: number;
  /**
   * Runs once the id is watched, before the wait (and before its deadline starts): the enqueue of
   * the job waited for. Nothing announced after the watch began is missed, so a record `before`
   * created is not read back first. What it throws ends the wait.
   */
  before?: () => Promise<BeforeWait>;
}

/**
 * Waits for final results wherever on the ladder a job ends: one subscription per process to the
 * results channels, rather than BullMQ's per-queue events, which a rerouted job never fires.
 */
export class ResultWaiter {
  private readonly waiting = new Map<string, Set<Wake>>();
  private readonly subscription: ChannelSubscription;
  private closed = false;

  constructor(
    subscriber: RedisClient,
    keys: Keys,
    private readonly store: ResultStore,
  ) {
    const records = keys.resultRecordsChannel();
    const ids = keys.resultsChannel();
    // Announcements published while the connection was down are lost: every wait reads again.
    this.subscription = new ChannelSubscription(subscriber, [records, ids], () => this.wakeAll());
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === records) {
        // The id, a newline, the record JSON: JSON.stringify writes no raw newline, an id might.
        const cut = message.lastIndexOf('\n');
        const wakers = cut < 0 ? undefined : this.waiting.get(message.slice(0, cut));
        // Only a record someone waits for is parsed: every final record of the ladder comes here.
        if (!wakers) return;
        const record = parseRecord(message.slice(cut + 1));
        for (const wake of wakers) wake(record);
      } else if (channel === ids) {
        // The id alone: a final record (announced with its record just before, so its waits are
        // mostly done) or a raw producer's alias; the wait reads the record.
        const wakers = this.waiting.get(message);
        if (wakers) for (const wake of wakers) wake();
      }
    });
  }

  /**
   * The record once final, or as it is when `timeoutMs` runs out (null when unknown). `id` may be
   * a raw producer's BullMQ id aliased to another record: then that record's id is watched too.
   * `abort` ends the wait early with null, the record not read again (a stream reader that went
   * away: its stream had the final event, or its client left).
   */
  async wait(
    id: string,
    timeoutMs: number,
    abort?: AbortSignal,
    options: WaitOptions = {},
  ): Promise<JobResult | null> {
    await this.subscription.subscribe();
    let signal: () => void = () => undefined;
    // A final record its announcement carried: answered as it is, with no read back.
    let announced: JobResult | undefined;
    // Whether the record is to be read before waiting (again).
    let read = false;
    const wake: Wake = (record) => {
      if (record && isFinalRecord(record)) announced = record;
      else read = true;
      signal();
    };
    const stop = (): void => signal();
    const watched: string[] = [];
    const watch = (key: string): void => {
      const wakers = this.waiting.get(key) ?? new Set();
      wakers.add(wake);
      this.waiting.set(key, wakers);
      watched.push(key);
    };
    watch(id);
    abort?.addEventListener('abort', stop, { once: true });
    let timer: NodeJS.Timeout | undefined;
    let readTimer: NodeJS.Timeout | undefined;
    try {
      const created = options.before ? (await options.before()).created : false;
      const until = Date.now() + timeoutMs;
      const readAfterMs = Math.min(options.readAfterMs ?? 0, timeoutMs);
      if (readAfterMs > 0) readTimer = setTimeout(() => wake(), readAfterMs);
      else if (!created) read = true;
      let now: JobResult | null = null;
      for (;;) {
        // A reader that went away (a stream that got its final event) needs no last read.
        if (abort?.aborted) return null;
        if (announced) return announced;
        const woken = new Promise<void>((resolve) => (signal = resolve));
        if (read || until - Date.now() <= 0 || this.closed) {
          read = false;
          // Watched before reading, so a result finalised in between still wakes us.
          now = await this.store.get(id);
          if (now !== null && !watched.includes(now.id)) {
            watch(now.id);
            read = true;
            continue; // read again: it may have become final before we watched it
          }
          if (isFinalRecord(now) || until - Date.now() <= 0 || this.closed || abort?.aborted)
            return now;
        }
        const timedOut = new Promise<void>(
          (resolve) => (timer = setTimeout(resolve, until - Date.now())),
        );
        await Promise.race([woken, timedOut]);
        clearTimeout(timer);
      }
    } finally {
      clearTimeout(timer);
      clearTimeout(readTimer);
      abort?.removeEventListener('abort', stop);
      for (const key of watched) {
        const wakers = this.waiting.get(key);
        wakers?.delete(wake);
        if (wakers?.size === 0) this.waiting.delete(key);
      }
    }
  }

  /** Every wait reads its record again (the subscription was lost and is back). */
  private wakeAll(): void {
    for (const wakers of this.waiting.values()) for (const wake of wakers) wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscription.close();
    this.wakeAll();
    this.waiting.clear();
  }
}

/** An announced record; undefined (the wait reads the record instead) when it is not JSON. */
function parseRecord(json: string): JobResult | undefined {
  try {
    return JSON.parse(json) as JobResult;
  } catch {
    return undefined;
  }
}
