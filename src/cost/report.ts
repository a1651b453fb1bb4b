import type { RedisClient } from '../util/redis.js';
import type { LadderDefinition } from '../levels/definition.js';
import type { Keys } from '../ladder/keys.js';
import { openSeconds, readBreakerLogs } from './breaker-log.js';
import {
  DAY_MS,
  dayBucket,
  HOUR_MS,
  hourBucket,
  startOfDay,
  startOfHour,
  TTL_SECONDS,
} from './period.js';
import { checkReportRange, REPORT_MAX_BUCKETS } from './report-range.js';
import {
  FAILOVER_REASONS,
  TARGET_ERROR_CLASSES,
  type FailoverReason,
  type Report,
  type ReportLevel,
  type ReportTarget,
} from './report-types.js';
import { F, fromNusd, histogramPercentile } from './stats-fields.js';

export interface BuildReportOptions {
  redis: RedisClient;
  keys: Keys;
  /** The ladder's levels (names, targets). */
  definition: Pick<LadderDefinition, 'levels'>;
  /** Epoch ms or a Date. */
  since: number | Date;
  /** Default: now. */
  until?: number | Date;
  /** Epoch ms, to tell which hour buckets still exist. Default `Date.now`. */
  now?: () => number;
}

type Totals = Map<string, number>;

/**
 * The buckets covering [since, until]: hours while the hour buckets still exist (8 days), else
 * days. The window is widened to whole buckets, and `since` in the report says where it began.
 */
function bucketsFor(
  sinceMs: number,
  untilMs: number,
  nowMs: number,
  keys: Keys,
): { startMs: number; keys: string[] } {
  const useHours = nowMs - sinceMs < TTL_SECONDS.hour * 1000 - HOUR_MS;
  const step = useHours ? HOUR_MS : DAY_MS;
  const startMs = useHours ? startOfHour(sinceMs) : startOfDay(sinceMs);
  // The range is checked against what is kept; this is the last guard against a loop of millions.
  const count = Math.floor((untilMs - startMs) / step) + 1;
  if (count > REPORT_MAX_BUCKETS)
    throw new RangeError(`a report may read at most ${REPORT_MAX_BUCKETS} buckets, not ${count}`);
  const names: string[] = [];
  for (let t = startMs; t <= untilMs; t += step)
    names.push(useHours ? keys.statsHour(hourBucket(t)) : keys.statsDay(dayBucket(t)));
  return { startMs, keys: names };
}

async function readTotals(redis: RedisClient, bucketKeys: string[]): Promise<Totals> {
  const pipeline = redis.pipeline();
  for (const key of bucketKeys) pipeline.hgetall(key);
  const replies = (await pipeline.exec()) ?? [];
  const totals: Totals = new Map();
  for (const [error, hash] of replies) {
    if (error) throw error;
    for (const [field, value] of Object.entries((hash ?? {}) as Record<string, string>)) {
      totals.set(field, (totals.get(field) ?? 0) + Number(value));
    }
  }
  return totals;
}

/** Fields `${prefix}${rest}` as rest → value. */
function withPrefix(totals: Totals, prefix: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const [field, value] of totals)
    if (field.startsWith(prefix)) found.set(field.slice(prefix.length), value);
  return found;
}

const ratio = (part: number, whole: number): number =>
  whole > 0 ? Number((part / whole).toFixed(4)) : 0;

function levelRows(totals: Totals, definition: BuildReportOptions['definition']): ReportLevel[] {
  const completed = totals.get(F.completed) ?? 0;
  return definition.levels.map((level) => {
    const jobs = totals.get(F.served(level.level)) ?? 0;
    const histogram = new Map(
      [...withPrefix(totals, `lat:${level.level}:`)].map(([b, n]) => [Number(b), n]),
    );
    return {
      level: level.level,
      name: level.name,
      jobs,
      share: ratio(jobs, completed),
      p50_ms: histogramPercentile(histogram, 0.5),
      p95_ms: histogramPercentile(histogram, 0.95),
      failed: totals.get(F.failedAt(level.level)) ?? 0,
      cost_usd: fromNusd(totals.get(F.levelCostNusd(level.level)) ?? 0),
    };
  });
}

function targetRows(totals: Totals, targets: string[], open: Map<string, number>): ReportTarget[] {
  return targets.map((target) => {
    const calls = totals.get(F.calls(target)) ?? 0;
    const errors = Object.fromEntries(
      TARGET_ERROR_CLASSES.map((c) => [c, totals.get(F.errors(c, target)) ?? 0]),
    ) as ReportTarget['errors'];
    const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
    return {
      target,
      calls,
      errors,
      error_rate: ratio(errorCount, calls),
      open_seconds: open.get(target) ?? 0,
      cost_usd: fromNusd(totals.get(F.targetCostNusd(target)) ?? 0),
    };
  });
}

/** The report over [since, until], from the hour (or day) totals the workers keep in Redis. */
export async function buildReport(options: BuildReportOptions): Promise<Report> {
  const nowMs = (options.now ?? Date.now)();
  const { sinceMs, untilMs } = checkReportRange({
    sinceMs: Number(options.since),
    untilMs: options.until === undefined ? nowMs : Number(options.until),
    nowMs,
  });
  const buckets = bucketsFor(sinceMs, untilMs, nowMs, options.keys);
  const totals = await readTotals(options.redis, buckets.keys);

  const known = options.definition.levels.flatMap((l) =>
    l.kind === 'llm' ? l.targets.map((t) => t.id) : [],
  );
  const seen = [...withPrefix(totals, F.calls('')).keys()];
  const targets = [...new Set([...known, ...seen])];
  const logs = await readBreakerLogs(options.redis, options.keys, targets, untilMs);
  const open = new Map(
    targets.map((t) => [t, openSeconds(logs.get(t) ?? [], buckets.startMs, untilMs)]),
  );

  const byReason = Object.fromEntries(
    FAILOVER_REASONS.map((r) => [r, totals.get(F.failoverReason(r)) ?? 0]),
  ) as Record<FailoverReason, number>;
  const agentJobs = withPrefix(totals, F.agentJobs(''));
  const agentCost = withPrefix(totals, F.agentCostNusd(''));
  const actual = totals.get(F.costNusd) ?? 0;
  const entry = totals.get(F.entryCostNusd) ?? 0;
  return {
    since: new Date(buckets.startMs).toISOString(),
    until: new Date(untilMs).toISOString(),
    jobs: {
      total: totals.get(F.jobs) ?? 0,
      completed: totals.get(F.completed) ?? 0,
      failed: totals.get(F.failed) ?? 0,
      unpriced: totals.get(F.unpriced) ?? 0,
    },
    levels: levelRows(totals, options.definition),
    targets: targetRows(totals, targets, open),
    failovers: { total: totals.get(F.failovers) ?? 0, by_reason: byReason },
    cache: {
      hits: totals.get(F.cacheHits) ?? 0,
      saved_usd: fromNusd(totals.get(F.cacheSavedNusd) ?? 0),
    },
    cost: {
      actual_usd: fromNusd(actual),
      entry_level_usd: fromNusd(entry),
      saved_usd: fromNusd(entry - actual),
    },
    agents: [...agentJobs]
      .map(([agent, jobs]) => ({ agent, jobs, cost_usd: fromNusd(agentCost.get(agent) ?? 0) }))
      .sort((a, b) => b.cost_usd - a.cost_usd || a.agent.localeCompare(b.agent)),
    quota: {
      waited: totals.get(F.quotaWaited) ?? 0,
      wait_ms: totals.get(F.quotaWaitMs) ?? 0,
      degraded: totals.get(F.quotaDegraded) ?? 0,
    },
  };
}
