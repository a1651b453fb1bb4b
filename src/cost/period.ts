import type { BudgetPeriod } from '../config/types.js';

/** Bucket and period names in UTC, from an epoch-ms clock the caller owns (tests inject theirs). */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function parts(nowMs: number): { y: string; m: string; d: string; h: string } {
  const iso = new Date(nowMs).toISOString();
  return { y: iso.slice(0, 4), m: iso.slice(5, 7), d: iso.slice(8, 10), h: iso.slice(11, 13) };
}

/** `2026112514`: the stats hash of that UTC hour. */
export function hourBucket(nowMs: number): string {
  const p = parts(nowMs);
  return `${p.y}${p.m}${p.d}${p.h}`;
}

/** `20261125`: the stats hash of that UTC day. */
export function dayBucket(nowMs: number): string {
  const p = parts(nowMs);
  return `${p.y}${p.m}${p.d}`;
}

/** `2026-11-25` (day) or `2026-11` (month): the budget period `nowMs` falls in. */
export function periodKey(period: BudgetPeriod, nowMs: number): string {
  const p = parts(nowMs);
  return period === 'day' ? `${p.y}-${p.m}-${p.d}` : `${p.y}-${p.m}`;
}

export function startOfHour(nowMs: number): number {
  return Math.floor(nowMs / HOUR_MS) * HOUR_MS;
}

export function startOfDay(nowMs: number): number {
  return Math.floor(nowMs / DAY_MS) * DAY_MS;
}

export { DAY_MS, HOUR_MS };

/** How long each kind of key outlives its period. */
export const TTL_SECONDS = {
  /** Hour buckets: long enough for a week's report at hour precision. */
  hour: 8 * 86_400,
  /** Day buckets: a year's reports, and a little more. */
  day: 400 * 86_400,
  /** A day's budget spend: kept past the day for the ladder page and reports. */
  budgetDay: 8 * 86_400,
  /** A month's budget spend. */
  budgetMonth: 400 * 86_400,
  /** Breaker transition logs. */
  breakerLog: 8 * 86_400,
} as const;
