import { describe, expect, it } from 'vitest';
import { checkReportRange, REPORT_MAX_BUCKETS, ReportRangeError } from './report-range.js';

const NOW = Date.parse('2026-12-01T21:00:00Z');
const DAY = 86_400_000;

describe('checkReportRange', () => {
  it('accepts what the stats keep and clamps until to now', () => {
    expect(checkReportRange({ sinceMs: NOW - 400 * DAY, untilMs: NOW, nowMs: NOW })).toEqual({
      sinceMs: NOW - 400 * DAY,
      untilMs: NOW,
    });
    expect(
      checkReportRange({ sinceMs: NOW - DAY, untilMs: NOW + 60_000, nowMs: NOW }).untilMs,
    ).toBe(NOW);
  });

  it.each([
    ['since', NOW - 402 * DAY, NOW],
    ['since', -Infinity, NOW],
    ['since', Number.NaN, NOW],
    ['until', NOW - DAY, NOW + 2 * DAY],
    ['until', NOW - DAY, Infinity],
    ['since', NOW, NOW - DAY],
  ] as const)('refuses a bad %s', (param, sinceMs, untilMs) => {
    const attempt = () => checkReportRange({ sinceMs, untilMs, nowMs: NOW });
    expect(attempt).toThrow(ReportRangeError);
    expect(attempt).toThrow(new RegExp(`^${param}: `));
  });

  it('keeps every accepted range within the bucket cap', () => {
    expect(Math.ceil((400 * DAY) / DAY) + 2).toBeLessThanOrEqual(REPORT_MAX_BUCKETS);
  });
});
