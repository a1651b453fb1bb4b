import type { RedisClient } from '../util/redis.js';
import type { BudgetsConfig } from '../config/types.js';
import type { Keys } from '../ladder/keys.js';
import type { LadderState } from '../ladder/state.js';
import { HOUR_MS, hourBucket, periodKey, startOfHour } from './period.js';
import { BUDGET_FIELD, F, fromNusd } from './stats-fields.js';

export interface StateDecoratorOptions {
  redis: RedisClient;
  keys: Keys;
  budgets: BudgetsConfig;
  /** Epoch ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * Fills each level's `budget` (period, limit, spent this period) and `served_last_hour` in a ladder
 * state, in one round trip. `served_last_hour` counts this hour's jobs plus the previous hour's
 * scaled by the part of it still inside the last 60 minutes (hour buckets hold no finer times).
 */
export function createStateDecorator(
  options: StateDecoratorOptions,
): (state: LadderState) => Promise<LadderState> {
  const now = options.now ?? Date.now;
  return async (state) => {
    const nowMs = now();
    const current = options.keys.statsHour(hourBucket(nowMs));
    const previous = options.keys.statsHour(hourBucket(nowMs - HOUR_MS));
    const served = state.levels.map((l) => F.served(l.level));
    const pipeline = options.redis.pipeline();
    pipeline.hmget(current, ...served);
    pipeline.hmget(previous, ...served);
    const budgeted = state.levels.flatMap((l) => {
      const limit = options.budgets.levels[l.name];
      return limit ? [{ name: l.name, limit }] : [];
    });
    for (const b of budgeted)
      pipeline.hget(
        options.keys.budgetSpend(periodKey(b.limit.period, nowMs)),
        BUDGET_FIELD.level(b.name),
      );
    const replies = (await pipeline.exec()) ?? [];
    const values = replies.map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    const [now_, before] = [values[0] as (string | null)[], values[1] as (string | null)[]];
    const leftOfPrevious = 1 - (nowMs - startOfHour(nowMs)) / HOUR_MS;
    const spent = new Map(budgeted.map((b, i) => [b.name, fromNusd(Number(values[2 + i] ?? 0))]));
    return {
      ...state,
      levels: state.levels.map((level, i) => {
        const limit = options.budgets.levels[level.name];
        return {
          ...level,
          served_last_hour: Math.round(
            Number(now_[i] ?? 0) + Number(before[i] ?? 0) * leftOfPrevious,
          ),
          budget: limit
            ? {
                period: limit.period,
                limit_usd: limit.limitUsd,
                spent_usd: spent.get(level.name) ?? 0,
              }
            : level.budget,
        };
      }),
    };
  };
}
