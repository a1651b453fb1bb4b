import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildReport } from '../../src/cost/report.js';
import { renderReport } from '../../src/cost/render-report.js';
import { definitionFromConfig } from '../../src/levels/definition.js';
import { createKeys } from '../../src/ladder/keys.js';
import { createLogger } from '../../src/util/log.js';
import { startWorkerRuntime } from '../../src/workers/runtime.js';
import { down, ok, status, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { FIVE_LEVELS } from './fixtures.js';
import { job, startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';

let fake: FakeProvider;
let ladder: TestLadder | undefined;

withFakeProvider((f) => (fake = f));
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
  fake.reset();
});

describe('the report of a scripted run', () => {
  it('matches the known outcomes: jobs, shares, calls, errors, failovers, cache hits and costs', async () => {
    ladder = await startTestLadder(testConfig(FIVE_LEVELS, fake));
    const { ops } = ladder;
    const run = async (body: Record<string, unknown>) =>
      (await ops.result((await ops.enqueue(body)).id, { timeoutMs: 10_000 }))!;

    // A: served at level 1. $5/M in, $25/M out: 1000 in + 100 out = $0.0075.
    fake.script(
      'anthropic',
      'claude-opus-4-7',
      ok('alpha answer', { input_tokens: 1000, output_tokens: 100 }),
    );
    const a = await run(job('alpha', { metadata: { agent: 'billing-bot' } }));
    expect(a).toMatchObject({ level: 1, cost_usd: 0.0075 });

    // B: level 1 and sonnet fail; gpt-4o serves with 1000 of its 2000 input tokens cached:
    // 1000 × $2.50 + 1000 × $1.25 + 100 × $10 = $0.00475; at opus it would be $0.008.
    fake.script('anthropic', 'claude-opus-4-7', status(503));
    fake.script('anthropic', 'claude-sonnet-4-6', status(503));
    fake.script(
      'openai',
      'gpt-4o',
      ok('beta answer', { input_tokens: 2000, output_tokens: 100, cached_input_tokens: 1000 }),
    );
    const b = await run(job('beta'));
    expect(b).toMatchObject({ level: 2, provider: 'openai', degraded: true });
    expect(b.cost_usd).toBeCloseTo(0.00475, 12);

    // C: every LLM level down; A's answer comes from the cache, saving A's cost at level 1.
    for (const provider of ['anthropic', 'openai', 'google'] as const)
      fake.setDefault(provider, '*', down());
    const c = await run(job('alpha'));
    expect(c).toMatchObject({ level: 4, source: 'cache', degraded: true });
    fake.reset();

    // D: a caller error fails at level 1.
    fake.script('anthropic', 'claude-opus-4-7', status(400, { message: 'bad request' }));
    expect(await run(job('delta'))).toMatchObject({ status: 'failed', level: 1 });

    // E: simple work enters level 3: 400 × $0.10 + 100 × $0.40 = $0.00008.
    fake.script(
      'google',
      'gemini-2.0-flash',
      ok('epsilon answer', { input_tokens: 400, output_tokens: 100 }),
    );
    expect(await run(job('epsilon', { complexity: 'simple' }))).toMatchObject({
      level: 3,
      entry_level: 3,
      degraded: false,
    });

    const keys = createKeys(ladder.config.redis.prefix);
    const definition = definitionFromConfig(ladder.config);
    const report = async () =>
      buildReport({
        redis: ladder!.runtime.redis,
        keys,
        definition,
        since: Date.now() - 3_600_000,
      });
    await vi.waitFor(async () => expect((await report()).jobs.total).toBe(5), { timeout: 5_000 });
    const r = await report();

    expect(r.jobs).toEqual({ total: 5, completed: 4, failed: 1, unpriced: 0 });
    expect(r.levels.map((l) => [l.name, l.jobs, l.share, l.failed])).toEqual([
      ['full', 1, 0.25, 1],
      ['reduced', 1, 0.25, 0],
      ['basic', 1, 0.25, 0],
      ['cached', 1, 0.25, 0],
      ['static', 0, 0, 0],
    ]);
    expect(r.levels[0]?.p50_ms).toEqual(expect.any(Number));
    expect(r.levels[4]?.p95_ms).toBeNull();
    const byTarget = Object.fromEntries(r.targets.map((t) => [t.target, t]));
    expect(byTarget['anthropic/claude-opus-4-7']).toMatchObject({
      calls: 4,
      errors: { transient: 2, caller: 1, context_length: 0, misconfigured: 0 },
      error_rate: 0.75,
      open_seconds: 0,
      cost_usd: 0.0075,
    });
    expect(byTarget['anthropic/claude-sonnet-4-6']).toMatchObject({
      calls: 2,
      errors: { transient: 2 },
      error_rate: 1,
      cost_usd: 0,
    });
    expect(byTarget['openai/gpt-4o']).toMatchObject({
      calls: 2,
      errors: { transient: 1 },
      error_rate: 0.5,
      cost_usd: 0.00475,
    });
    expect(byTarget['google/gemini-2.0-flash']).toMatchObject({
      calls: 2,
      errors: { transient: 1 },
      error_rate: 0.5,
      cost_usd: 0.00008,
    });
    expect(r.failovers.total).toBe(2);
    expect(r.failovers.by_reason).toMatchObject({
      transient: 2,
      budget: 0,
      breaker_open: 0,
      cache_miss: 0,
    });
    expect(r.cache).toEqual({ hits: 1, saved_usd: 0.0075 });
    expect(r.cost).toEqual({ actual_usd: 0.01233, entry_level_usd: 0.02308, saved_usd: 0.01075 });
    expect(r.agents).toEqual([{ agent: 'billing-bot', jobs: 1, cost_usd: 0.0075 }]);
    expect(Date.parse(r.since) % 3_600_000).toBe(0);

    const text = renderReport(r);
    expect(text).toContain('anthropic/claude-opus-4-7');
    expect(text).toContain('failovers 2 (transient 2)');
    expect(text).toContain('cache hits 1, saved $0.007500');
  });

  it('counts time open from breaker transitions, once however many processes saw them', async () => {
    ladder = await startTestLadder(testConfig(FIVE_LEVELS, fake));
    const second = await startWorkerRuntime({
      config: ladder.config,
      levels: ['static'],
      logger: createLogger('test', 'silent'),
    });
    const startedMs = Date.now();
    await ladder.ops.breaker('openai/gpt-4o', 'open');
    await new Promise((r) => setTimeout(r, 1_100));
    await ladder.ops.breaker('openai/gpt-4o', 'auto');
    const keys = createKeys(ladder.config.redis.prefix);
    await vi.waitFor(
      async () =>
        expect(await ladder!.runtime.redis.zcard(keys.breakerLog('openai/gpt-4o'))).toBe(2),
      { timeout: 5_000 },
    );
    await second.close();
    const r = await buildReport({
      redis: ladder.runtime.redis,
      keys,
      definition: definitionFromConfig(ladder.config),
      since: startedMs - 1_000,
    });
    expect(r.targets.find((t) => t.target === 'openai/gpt-4o')?.open_seconds).toBe(1);
    expect(r.targets.find((t) => t.target === 'anthropic/claude-opus-4-7')?.open_seconds).toBe(0);
  });

  it('a cache hit of a JSON job saves what its answer cost, though the served output is re-parsed', async () => {
    // The hit's answer is checked again and gets `parsed`, so it is a new object: the saving must
    // not depend on the worker passing the cached object through unchanged.
    ladder = await startTestLadder(testConfig(FIVE_LEVELS, fake));
    const { ops } = ladder;
    const request = {
      ...(job('json please').request as object),
      response_format: { type: 'json_object' },
    };
    const run = async () =>
      (await ops.result((await ops.enqueue({ request })).id, { timeoutMs: 10_000 }))!;
    fake.script(
      'anthropic',
      'claude-opus-4-7',
      ok('{"a":1}', { input_tokens: 1000, output_tokens: 100 }),
    );
    expect(await run()).toMatchObject({ level: 1, cost_usd: 0.0075 });
    for (const provider of ['anthropic', 'openai', 'google'] as const)
      fake.setDefault(provider, '*', down());
    expect(await run()).toMatchObject({ level: 4, source: 'cache', output: { parsed: { a: 1 } } });

    const report = async () =>
      buildReport({
        redis: ladder!.runtime.redis,
        keys: createKeys(ladder!.config.redis.prefix),
        definition: definitionFromConfig(ladder!.config),
        since: Date.now() - 3_600_000,
      });
    await vi.waitFor(async () => expect((await report()).jobs.total).toBe(2), { timeout: 5_000 });
    expect((await report()).cache).toEqual({ hits: 1, saved_usd: 0.0075 });
  });
});
