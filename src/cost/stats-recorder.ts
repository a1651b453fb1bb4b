import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from '../util/redis.js';
import type { BreakerTransition } from '../breaker/types.js';
import type { LevelConfig } from '../config/types.js';
import type { Keys } from '../ladder/keys.js';
import type { JobResult } from '../ladder/result.js';
import type { Logger } from '../util/log.js';
import type { ServedDetail, WorkerObserver } from '../jobs/hooks.js';
import { jobStats, type JobStats } from './job-stats.js';
import { HOUR_MS, hourBucket, periodKey, startOfHour, TTL_SECONDS } from './period.js';
import type { PriceLookup } from './prices.js';
import { BUDGET_FIELD } from './stats-fields.js';
import { parseIsoTime } from '../util/iso-time.js';

/** Transitions kept per target. */
const MAX_LOGGED_TRANSITIONS = 1000;
/** How long finished jobs' totals wait to be written together, at most. */
const BATCH_MS = 100;
/** Totals are written at once when this many jobs wait. */
const BATCH_MAX_JOBS = 500;

export interface StatsRecorderOptions {
  redis: RedisClient;
  keys: Keys;
  levels: LevelConfig[];
  prices: PriceLookup;
  logger: Logger;
  /** Epoch ms, for transition logs' trimming. Default `Date.now`. */
  now?: () => number;
  /** Told of every job's spend once it is written (the local budget spend). */
  onSpend?: (spend: JobStats['spend']) => void;
}

/**
 * Adds each finished job to the hour and day totals and to the budget spend, in one MULTI (one
 * round trip, applied whole), and logs breaker transitions for the report's time spent open.
 */
export class StatsRecorder {
  readonly observer: WorkerObserver;
  private readonly pending = new Set<Promise<void>>();

  /**
   * Totals not yet written, by UTC hour bucket (`2026112514`); the day totals are summed from
   * them when written, so a job adds its fields once, not once per hash.
   */
  private batch = new Map<string, Map<string, number>>();
  /** The hour the last job finished in: its bucket name, and the epoch ms it spans. */
  private hour = { bucket: '', fromMs: 0, toMs: 0 };
  private batchedJobs = 0;
  private batchTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: StatsRecorderOptions) {
    this.observer = { jobFinished: (result, served) => this.add(result, served) };
  }

  /**
   * A finished job from a worker. Hour and day totals only feed the report, so they are summed
   * here and written in one MULTI every BATCH_MS (was a MULTI of ~16 commands per job, the largest
   * share of the ladder's Redis commands). Spend goes at once: other processes' exact budget
   * admits read it, and a delay would let them overspend.
   */
  private add(result: JobResult, served: ServedDetail | undefined): void {
    const stats = jobStats({
      result,
      levels: this.options.levels,
      prices: this.options.prices,
      // What a cache hit saved: its record carries no usage, the worker passes the answer's.
      cachedUsage: served?.cachedUsage ?? null,
    });
    const finishedMs = this.finishedMs(result);
    const bucket = this.hourOf(finishedMs);
    let totals = this.batch.get(bucket);
    if (!totals) {
      totals = new Map<string, number>();
      this.batch.set(bucket, totals);
    }
    for (const [field, amount] of stats.fields)
      totals.set(field, (totals.get(field) ?? 0) + amount);
    this.batchedJobs += 1;
    if (stats.spend.nusd > 0) this.track(this.writeSpend(stats.spend, finishedMs));
    if (this.batchedJobs >= BATCH_MAX_JOBS) this.track(this.writeBatch());
    else if (!this.batchTimer) {
      this.batchTimer = setTimeout(() => this.track(this.writeBatch()), BATCH_MS);
      this.batchTimer.unref();
    }
  }

  private async writeBatch(): Promise<void> {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.batch.size === 0) return;
    const batch = this.batch;
    this.batch = new Map();
    this.batchedJobs = 0;
    const { keys } = this.options;
    const days = new Map<string, Map<string, number>>();
    const multi = this.options.redis.multi();
    for (const [hour, fields] of batch) {
      const key = keys.statsHour(hour);
      for (const [field, amount] of fields) multi.hincrby(key, field, amount);
      multi.expire(key, TTL_SECONDS.hour);
      // `2026112514` → `20261125`, as dayBucket names the same instant's day.
      const day = hour.slice(0, 8);
      const dayTotals = days.get(day) ?? new Map<string, number>();
      for (const [field, amount] of fields)
        dayTotals.set(field, (dayTotals.get(field) ?? 0) + amount);
      days.set(day, dayTotals);
    }
    for (const [day, fields] of days) {
      const key = keys.statsDay(day);
      for (const [field, amount] of fields) multi.hincrby(key, field, amount);
      multi.expire(key, TTL_SECONDS.day);
    }
    await multi.exec();
  }

  /** The hour bucket of `ms`, named once per hour rather than per job. */
  private hourOf(ms: number): string {
    const hour = this.hour;
    if (ms < hour.fromMs || ms >= hour.toMs) {
      const fromMs = startOfHour(ms);
      this.hour = { bucket: hourBucket(ms), fromMs, toMs: fromMs + HOUR_MS };
    }
    return this.hour.bucket;
  }

  private async writeSpend(spend: JobStats['spend'], finishedMs: number): Promise<void> {
    const multi = this.options.redis.multi();
    this.addSpend(multi, spend, finishedMs);
    await multi.exec();
    this.options.onSpend?.(spend);
  }

  private finishedMs(result: JobResult): number {
    return parseIsoTime(result.timing.finished_at ?? '') || (this.options.now ?? Date.now)();
  }

  private addSpend(multi: ChainableCommander, spend: JobStats['spend'], finishedMs: number): void {
    if (spend.nusd <= 0) return;
    for (const [period, ttl] of [
      ['day', TTL_SECONDS.budgetDay],
      ['month', TTL_SECONDS.budgetMonth],
    ] as const) {
      const key = this.options.keys.budgetSpend(periodKey(period, finishedMs));
      multi.hincrby(key, BUDGET_FIELD.level(spend.level), spend.nusd);
      if (spend.agent) multi.hincrby(key, BUDGET_FIELD.agent(spend.agent), spend.nusd);
      multi.expire(key, ttl);
    }
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

  /** Writes the batched totals, then waits for every write started so far. */
  async flush(): Promise<void> {
    this.track(this.writeBatch());
    await Promise.allSettled([...this.pending]);
  }
}
