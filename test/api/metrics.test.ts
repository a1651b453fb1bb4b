import { beforeEach, describe, expect, it } from 'vitest';
import { recordJobFinished, recordProviderCall } from '../../src/metrics/record.js';
import { renderMetrics, resetMetrics } from '../../src/metrics/render.js';
import type { JobResult } from '../../src/ladder/result.js';
import { FakeLadderOps } from './fake-ops.js';

function result(patch: Partial<JobResult>): JobResult {
  return {
    id: 'secret-job-id',
    status: 'completed',
    level: 2,
    level_name: 'reduced',
    entry_level: 1,
    floor: 5,
    attempts: [],
    timing: { enqueued_at: new Date().toISOString() },
    ...patch,
  };
}

describe('metrics', () => {
  beforeEach(() => resetMetrics());

  it('counts finished jobs by outcome, level and source, and their cost', async () => {
    recordJobFinished(
      result({ source: 'llm', provider: 'openai', model: 'gpt-4o', cost_usd: 0.25 }),
    );
    recordJobFinished(
      result({ source: 'llm', provider: 'openai', model: 'gpt-4o', cost_usd: 0.5 }),
    );
    recordJobFinished(result({ status: 'failed', level_name: 'static' }));
    const text = await renderMetrics();
    expect(text).toContain('ladder_jobs_total{outcome="completed",level="reduced",source="llm"} 2');
    expect(text).toContain('ladder_jobs_total{outcome="failed",level="static",source="none"} 1');
    expect(text).toContain(
      'ladder_cost_usd_total{level="reduced",provider="openai",model="gpt-4o"} 0.75',
    );
    expect(text).not.toContain('secret-job-id');
  });

  it('records provider latency, errors by class and tokens', async () => {
    recordProviderCall({
      provider: 'anthropic',
      model: 'claude-opus-4-1',
      latencyMs: 300,
      errorClass: null,
      usage: { input_tokens: 100, output_tokens: 20, cached_input_tokens: 50 },
    });
    recordProviderCall({
      provider: 'anthropic',
      model: 'claude-opus-4-1',
      latencyMs: 3000,
      errorClass: 'transient',
    });
    const text = await renderMetrics();
    expect(text).toContain('# TYPE ladder_provider_call_seconds histogram');
    expect(text).toContain(
      'ladder_provider_call_seconds_bucket{le="0.5",provider="anthropic",model="claude-opus-4-1",outcome="ok"} 1',
    );
    expect(text).toContain(
      'ladder_provider_call_seconds_count{provider="anthropic",model="claude-opus-4-1",outcome="transient"} 1',
    );
    expect(text).toContain(
      'ladder_provider_errors_total{provider="anthropic",model="claude-opus-4-1",class="transient"} 1',
    );
    expect(text).toContain(
      'ladder_tokens_total{provider="anthropic",model="claude-opus-4-1",direction="input"} 100',
    );
    expect(text).toContain(
      'ladder_tokens_total{provider="anthropic",model="claude-opus-4-1",direction="cached_input"} 50',
    );
  });

  it('reads breaker, level and queue gauges from the ladder at scrape time', async () => {
    const ops = new FakeLadderOps();
    const text = await renderMetrics(ops);
    expect(text).toContain(
      'ladder_breaker_state{target="anthropic/claude-sonnet-4",state="open"} 1',
    );
    expect(text).toContain(
      'ladder_breaker_state{target="anthropic/claude-sonnet-4",state="closed"} 0',
    );
    expect(text).toContain('ladder_queue_depth{level="full",state="waiting"} 3');
    expect(text).toContain('ladder_level_state{level="full",state="live"} 1');
    expect(text).toContain('ladder_state_up 1');
    await ops.breaker('anthropic/claude-sonnet-4', 'close');
    expect(await renderMetrics(ops)).toContain(
      'ladder_breaker_state{target="anthropic/claude-sonnet-4",state="forced_closed"} 1',
    );
  });

  it('still answers while Redis is away, with ladder_state_up 0', async () => {
    const ops = new FakeLadderOps();
    ops.unavailable = true;
    expect(await renderMetrics(ops)).toContain('ladder_state_up 0');
  });

  it('every line is valid exposition format', async () => {
    recordJobFinished(result({ source: 'cache' }));
    const text = await renderMetrics(new FakeLadderOps());
    for (const line of text.split('\n').filter((l) => l !== '')) {
      // prom-client writes NaN as `Nan`, which Prometheus (Go ParseFloat) accepts.
      expect(line).toMatch(
        /^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? -?[0-9.e+-]+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? (NaN|Nan|\+Inf|-Inf))$/,
      );
    }
  });
});
