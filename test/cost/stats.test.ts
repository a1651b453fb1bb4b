import { describe, expect, it } from 'vitest';
import { openSeconds } from '../../src/cost/breaker-log.js';
import { parseSince } from '../../src/cost/duration.js';
import { failoverReasons, jobStats } from '../../src/cost/job-stats.js';
import { dayBucket, hourBucket, periodKey } from '../../src/cost/period.js';
import { createPriceLookup } from '../../src/cost/prices.js';
import { F, histogramPercentile, latencyBucket } from '../../src/cost/stats-fields.js';
import type { LevelConfig } from '../../src/config/types.js';
import type { JobResult } from '../../src/ladder/result.js';

const LEVELS: LevelConfig[] = [
  {
    kind: 'llm',
    level: 1,
    name: 'full',
    targets: [{ id: 'anthropic/claude-opus-4-7', provider: 'anthropic', model: 'claude-opus-4-7' }],
  },
  {
    kind: 'llm',
    level: 2,
    name: 'reduced',
    targets: [{ id: 'openai/gpt-4o', provider: 'openai', model: 'gpt-4o' }],
  },
  { kind: 'cache', level: 3, name: 'cached' },
  { kind: 'static', level: 4, name: 'static', message: 'sorry' },
];
const at = '2026-11-25T10:00:00.000Z';

function result(extra: Partial<JobResult>): JobResult {
  return {
    id: 'j',
    status: 'completed',
    level: 1,
    level_name: 'full',
    entry_level: 1,
    floor: 4,
    attempts: [],
    timing: { enqueued_at: at, finished_at: at, total_ms: 120 },
    ...extra,
  };
}

describe('what a finished job adds to the totals', () => {
  const prices = createPriceLookup();

  it('a degraded job: actual cost at the serving target, entry cost at the first target of its entry level', () => {
    const stats = jobStats({
      prices,
      levels: LEVELS,
      result: result({
        level: 2,
        level_name: 'reduced',
        provider: 'openai',
        model: 'gpt-4o',
        source: 'llm',
        degraded: true,
        usage: { input_tokens: 1000, output_tokens: 100 },
        cost_usd: 0.0035,
        metadata: { agent: 'bot' },
        attempts: [
          {
            level: 1,
            provider: 'anthropic',
            model: 'claude-opus-4-7',
            outcome: 'error',
            class: 'transient',
            status: 503,
            at,
          },
          {
            level: 1,
            provider: 'anthropic',
            model: 'claude-opus-4-7',
            outcome: 'skipped',
            reason: 'breaker_open',
            at,
          },
          { level: 2, provider: 'openai', model: 'gpt-4o', outcome: 'ok', at },
        ],
      }),
    });
    expect(Object.fromEntries(stats.fields)).toMatchObject({
      [F.jobs]: 1,
      [F.completed]: 1,
      [F.served(2)]: 1,
      [F.source('llm')]: 1,
      [F.calls('anthropic/claude-opus-4-7')]: 1,
      [F.errors('transient', 'anthropic/claude-opus-4-7')]: 1,
      [F.calls('openai/gpt-4o')]: 1,
      [F.failovers]: 1,
      [F.failoverReason('transient')]: 1,
      [F.failoverReason('breaker_open')]: 1,
      [F.costNusd]: 3_500_000,
      [F.entryCostNusd]: 7_500_000,
      [F.levelCostNusd(2)]: 3_500_000,
      [F.targetCostNusd('openai/gpt-4o')]: 3_500_000,
      [F.agentCostNusd('bot')]: 3_500_000,
      [F.agentJobs('bot')]: 1,
      [F.latency(2, latencyBucket(120))]: 1,
    });
    expect(stats.spend).toEqual({ level: 'reduced', agent: 'bot', nusd: 3_500_000 });
  });

  it('a cache hit saves what its answer would have cost at the entry level', () => {
    const stats = jobStats({
      prices,
      levels: LEVELS,
      cachedUsage: { input_tokens: 1000, output_tokens: 100 },
      result: result({
        level: 3,
        level_name: 'cached',
        source: 'cache',
        degraded: true,
        cost_usd: 0,
        attempts: [{ level: 1, outcome: 'skipped', reason: 'budget', at }],
      }),
    });
    expect(stats.fields.get(F.cacheHits)).toBe(1);
    expect(stats.fields.get(F.cacheSavedNusd)).toBe(7_500_000);
    expect(stats.fields.get(F.failoverReason('budget'))).toBe(1);
    expect(stats.spend.nusd).toBe(0);
  });

  it('a failed job counts at its level, with its calls and errors, and no cost', () => {
    const stats = jobStats({
      prices,
      levels: LEVELS,
      result: result({
        status: 'failed',
        error: { message: 'no', class: 'caller' },
        attempts: [
          {
            level: 1,
            provider: 'anthropic',
            model: 'claude-opus-4-7',
            outcome: 'error',
            class: 'caller',
            status: 400,
            at,
          },
        ],
      }),
    });
    expect(Object.fromEntries(stats.fields)).toEqual({
      [F.jobs]: 1,
      [F.failed]: 1,
      [F.failedAt(1)]: 1,
      [F.calls('anthropic/claude-opus-4-7')]: 1,
      [F.errors('caller', 'anthropic/claude-opus-4-7')]: 1,
    });
  });

  it('an unpriced LLM answer counts as unpriced and costs nothing in the totals', () => {
    const stats = jobStats({
      prices,
      levels: LEVELS,
      result: result({
        provider: 'acme',
        model: 'x',
        source: 'llm',
        cost_usd: null,
        usage: { input_tokens: 1, output_tokens: 1 },
      }),
    });
    expect(stats.fields.get(F.unpriced)).toBe(1);
    expect(stats.fields.get(F.costNusd)).toBeUndefined();
  });

  it('failover reasons come only from the levels between entry and service', () => {
    expect(
      failoverReasons(
        result({
          level: 3,
          entry_level: 2,
          attempts: [
            { level: 1, outcome: 'error', class: 'misconfigured', at },
            { level: 2, outcome: 'skipped', reason: 'level_down', at },
            { level: 3, outcome: 'ok', at },
          ],
        }),
      ),
    ).toEqual(['level_down']);
  });
});

describe('latency histogram', () => {
  it('reads percentiles back within the bucket width', () => {
    const counts = new Map<number, number>();
    for (let ms = 1; ms <= 1000; ms++)
      counts.set(latencyBucket(ms), (counts.get(latencyBucket(ms)) ?? 0) + 1);
    const p50 = histogramPercentile(counts, 0.5)!;
    const p95 = histogramPercentile(counts, 0.95)!;
    expect(Math.abs(p50 - 500) / 500).toBeLessThan(0.13);
    expect(Math.abs(p95 - 950) / 950).toBeLessThan(0.13);
    expect(histogramPercentile(new Map(), 0.5)).toBeNull();
    expect(latencyBucket(0)).toBe(0);
  });
});

describe('periods, spans and time open', () => {
  it('names UTC hours, days and budget periods', () => {
    const t = Date.parse('2026-11-25T23:59:59.999Z');
    expect([hourBucket(t), dayBucket(t), periodKey('day', t), periodKey('month', t)]).toEqual([
      '2026112523',
      '20261125',
      '2026-11-25',
      '2026-11',
    ]);
    expect(periodKey('month', t + 1)).toBe('2026-11');
    expect(periodKey('month', Date.parse('2026-11-30T23:59:59.999Z') + 1)).toBe('2026-12');
    expect(periodKey('day', t + 1)).toBe('2026-11-26');
  });

  it('parses spans and ISO times, and rejects the rest', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(parseSince('24h', now)).toBe(now - 86_400_000);
    expect(parseSince('90m', now)).toBe(now - 5_400_000);
    expect(parseSince('2026-11-20T00:00:00Z', now)).toBe(Date.parse('2026-11-20T00:00:00Z'));
    expect(() => parseSince('yesterday', now)).toThrow(/24h/);
  });

  it('adds up time open and forced open inside the window', () => {
    const s = 1_000_000;
    const log = [
      { atMs: s - 50_000, to: 'open' },
      { atMs: s + 10_000, to: 'half_open' },
      { atMs: s + 20_000, to: 'forced_open' },
      { atMs: s + 50_000, to: 'forced_closed' },
      { atMs: s + 90_000, to: 'open' },
    ];
    // 10 s carried in from before the window, 30 s forced, 10 s still open at the end.
    expect(openSeconds(log, s, s + 100_000)).toBe(50);
    expect(openSeconds([], s, s + 100_000)).toBe(0);
  });
});
