import { DAY_MS, HOUR_MS, startOfDay, TTL_SECONDS } from './period.js';

/**
 * How far back a report may reach: the day totals are kept `TTL_SECONDS.day` (400 days), so an
 * older `since` could only add empty buckets, one Redis read each.
 */
export const REPORT_MAX_AGE_MS = TTL_SECONDS.day * 1000;

/** How far past now `until` may be (clock skew between caller and server); later is refused. */
export const REPORT_FUTURE_SLACK_MS = HOUR_MS;

/** Buckets one report may read: every hour of 8 days or every day of 400, with room to spare. */
export const REPORT_MAX_BUCKETS = 500;

/** A report range the stats cannot answer; `param` names the query parameter at fault. */
export class ReportRangeError extends RangeError {
  constructor(
    readonly param: 'since' | 'until',
    message: string,
  ) {
    super(`${param}: ${message}`);
    this.name = 'ReportRangeError';
  }
}

/**
 * Checks a report range against what is kept, and answers it with `until` no later than now.
 * Throws a ReportRangeError naming `since` or `until`.
 */
export function checkReportRange(input: { sinceMs: number; untilMs: number; nowMs: number }): {
  sinceMs: number;
  untilMs: number;
} {
  const { sinceMs, untilMs, nowMs } = input;
  const oldest = startOfDay(nowMs - REPORT_MAX_AGE_MS);
  const days = REPORT_MAX_AGE_MS / DAY_MS;
  if (!Number.isFinite(sinceMs) || sinceMs < oldest)
    throw new ReportRangeError(
      'since',
      `reaches back further than the ${days} days the stats are kept (at most ${days}d, or an ISO 8601 time after ${new Date(oldest).toISOString()})`,
    );
  if (!Number.isFinite(untilMs) || untilMs > nowMs + REPORT_FUTURE_SLACK_MS)
    throw new ReportRangeError('until', 'is in the future; give a time up to now');
  if (untilMs < oldest)
    throw new ReportRangeError('until', `is older than the ${days} days the stats are kept`);
  if (sinceMs > untilMs) throw new ReportRangeError('since', 'must not be after until');
  return { sinceMs, untilMs: Math.min(untilMs, nowMs) };
}
