import type { Redis } from 'ioredis';
import type { BreakerTransition } from '../breaker/types.js';
import { ResponseCache, type CachedResponse } from '../cache/response-cache.js';
import type { LevelConfig } from '../config/types.js';
import type { Keys } from '../ladder/keys.js';
import type { JobResult } from '../ladder/result.js';
import type { CompletionOutput } from '../providers/contract.js';
import type { Logger } from '../util/log.js';
import type { WorkerObserver } from '../workers/context.js';
import { jobStats, type JobStats } from './job-stats.js';
import { dayBucket, hourBucket, periodKey, TTL_SECONDS } from './period.js';
import type { PriceLookup } from './prices.js';
import { BUDGET_FIELD } from './stats-fields.js';

/** Transitions kept per target. */
const MAX_LOGGED_TRANSITIONS = 1000;

export interface StatsRecorderOptions {
  redis: Redis;
  keys: Keys;
  levels: LevelConfig[];
  prices: PriceLookup;
  logger: Logger;
  /** Epoch ms, for transition logs' trimming. Default `Date.now`. */
  now?: () => number;
  /** Told of every job's spend once it is written (the local budget view). */
  onSpend?: (spend: JobStats['spend']) => void;
}

/**
 * Adds each finished job to the hour and day totals and to the budget spend, in one MULTI (one
 * round trip, applied whole), and logs breaker transitions for the report's time spent open.
 */
export class StatsRecorder {
  readonly observer: WorkerObserver;
  private readonly pending = new Set<Promise<void>>();
  /** Cache hits by the output object the worker passes on to the result unchanged. */
  private readonly hits = new WeakMap<CompletionOutput, CachedResponse>();

  constructor(private readonly options: StatsRecorderOptions) {
    this.observer = { jobFinished: (result) => this.track(this.record(result)) };
  }

  /**
   * The response cache, remembering what each hit had cost to make, so the report can say what
   * the hit saved (a cache hit's result carries no usage of its own).
   */
  responseCache(ttlSeconds: number): ResponseCache {
    const hits = this.hits;
    return new (class extends ResponseCache {
      override async get(hash: string): Promise<CachedResponse | null> {
        const hit = await super.get(hash);
        if (hit) hits.set(hit.output, hit);
        return hit;
      }
    })(this.options.redis, this.options.keys, ttlSeconds);
  }

  async record(result: JobResult): Promise<void> {
    const cached =
      result.source === 'cache' && result.output ? this.hits.get(result.output) : undefined;
    const stats = jobStats({
      result,
      levels: this.options.levels,
      prices: this.options.prices,
      cachedUsage: cached?.usage ?? null,
    });
    const finishedMs =
      Date.parse(result.timing.finished_at ?? '') || (this.options.now ?? Date.now)();
    const { keys } = this.options;
    const hour = keys.statsHour(hourBucket(finishedMs));
    const day = keys.statsDay(dayBucket(finishedMs));
    const multi = this.options.redis.multi();
    for (const [field, amount] of stats.fields) {
      multi.hincrby(hour, field, amount);
      multi.hincrby(day, field, amount);
    }
    multi.expire(hour, TTL_SECONDS.hour);
    multi.expire(day, TTL_SECONDS.day);
    if (stats.spend.nusd > 0) {
      for (const [period, ttl] of [
        ['day', TTL_SECONDS.budgetDay],
        ['month', TTL_SECONDS.budgetMonth],
      ] as const) {
        const key = keys.budgetSpend(periodKey(period, finishedMs));
        multi.hincrby(key, BUDGET_FIELD.level(stats.spend.level), stats.spend.nusd);
        if (stats.spend.agent)
          multi.hincrby(key, BUDGET_FIELD.agent(stats.spend.agent), stats.spend.nusd);
        multi.expire(key, ttl);
      }
    }
    await multi.exec();
    this.options.onSpend?.(stats.spend);
  }

  /**
   * Logs a transition every process learns of; each logs the same member (time and new state), so
   * the log holds it once however many workers run.
   */
  recordTransition(transition: BreakerTransition): void {
    const atMs = Date.parse(transition.at);
    const key = this.options.keys.breakerLog(transition.target);
    const multi = this.options.redis.multi();
    multi.zadd(key, atMs, `${atMs}|${transition.to}`);
    // Trimmed by count, not age, so the transition that set the state at a report's start stays.
    multi.zremrangebyrank(key, 0, -(MAX_LOGGED_TRANSITIONS + 1));
    multi.expire(key, TTL_SECONDS.breakerLog);
    this.track(multi.exec().then(() => undefined));
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) =>
      this.options.logger.warn({ err: String(error) }, 'cost stats could not be written'),
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  /** Waits for every write started so far. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
}
