import { afterEach, describe, expect, it } from 'vitest';
import type { LadderConfig } from '../../src/config/types.js';
import type { JobResult } from '../../src/ladder/result.js';
import type { LadderOps } from '../../src/producer/ladder-ops.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/workers/runtime.js';
import { createLogger } from '../../src/util/log.js';
import { maxPerSecond, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { job, startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';

let fake: FakeProvider;
let ladder: TestLadder | undefined;
const extra: WorkerRuntime[] = [];

withFakeProvider((f) => (fake = f));
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
  await Promise.all(extra.splice(0).map((r) => r.close()));
  fake.reset();
});

const TARGET = 'openai/gpt-4o';

/** Level 1 on a busy gpt-4o, level 2 on gpt-4o-mini (never limited), then static. */
function config(data: Record<string, unknown> = {}): LadderConfig {
  return testConfig(
    {
      levels: [
        { name: 'full', targets: [TARGET] },
        { name: 'reduced', targets: ['openai/gpt-4o-mini'] },
        { name: 'static', serve: 'static' },
      ],
      worker: { concurrency: 16 },
      // A flat breaker that a handful of 429s would open, were they counted as failures.
      breaker: { failure_threshold: 3, reset_timeout: 30 },
      ...data,
    },
    fake,
  );
}

async function enqueueAll(jobs: Record<string, unknown>[]): Promise<string[]> {
  if (!ladder) throw new Error('no ladder');
  const answers = await ladder.ops.enqueueMany(jobs);
  return answers.map((a) => a.id);
}

async function results(ids: string[], timeoutMs = 60_000): Promise<JobResult[]> {
  if (!ladder) throw new Error('no ladder');
  const ops = ladder.ops;
  const all = await Promise.all(ids.map((id) => ops.result(id, { timeoutMs })));
  return all.map((r, i) => {
    if (!r) throw new Error(`no result for ${ids[i]}`);
    return r;
  });
}

const burst = (n: number, extraFields: Record<string, unknown> = {}): Record<string, unknown>[] =>
  Array.from({ length: n }, (_, i) => job(`burst ${i}`, { deadline_ms: 120_000, ...extraFields }));

/** Polls until at least `n` jobs sit delayed (parked for quota) in level 1's queue. */
async function parked(n: number): Promise<void> {
  const queue = ladder?.runtime.workers[0];
  if (!queue || !ladder) throw new Error('no ladder');
  const q = (await ladder.ops.levelQueues()).queue('full');
  await expect
    .poll(() => q.getDelayedCount(), { timeout: 30_000, interval: 50 })
    .toBeGreaterThanOrEqual(n);
}

describe('quota-aware scheduling', () => {
  it('serves a burst larger than the limit at the entry level, no breaker opened', async () => {
    // The limit leaves the provider a little headroom, as one would configure it: calls admitted a
    // second apart in Redis can reach the provider a little closer together.
    fake.rateLimit('openai', 'gpt-4o', { perSecond: 10 });
    ladder = await startTestLadder(config({ limits: { [TARGET]: { rpm: 540 } } }));
    const done = await results(await enqueueAll(burst(40)));
    expect(done.map((r) => r.level)).toEqual(done.map(() => 1));
    expect(done.every((r) => r.status === 'completed' && r.degraded === false)).toBe(true);
    expect(done.some((r) => (r.timing.quota_wait_ms ?? 0) > 0)).toBe(true);
    expect(fake.rateLimited('openai', 'gpt-4o')).toBeLessThanOrEqual(1);
    expect(fake.calls('openai', 'gpt-4o-mini')).toBe(0);
    const breaker = await ladder.runtime.breakers.snapshot(TARGET);
    expect(breaker.state).toBe('closed');
    expect(breaker.failures).toBe(0);
    const state = await ladder.ops.ladder();
    const quota = state.levels[0]?.targets[0]?.quota;
    expect(quota?.limit).toEqual({ rpm: 540 });
    // 40 calls, and a retry for each 429 jitter may have caused.
    expect(quota?.last_minute.requests).toBeGreaterThanOrEqual(40);
  });

  it('two worker processes together keep to one limits: entry', async () => {
    // Each process alone would start 16 calls at once; together they keep to 4 a second (the
    // provider allows one more, for the jitter between admission in Redis and arrival).
    fake.rateLimit('openai', 'gpt-4o', { perSecond: 5 });
    const cfg = config({ limits: { [TARGET]: { rpm: 240 } } });
    ladder = await startTestLadder(cfg);
    extra.push(await startWorkerRuntime({ config: cfg, logger: createLogger('test', 'silent') }));
    const done = await results(await enqueueAll(burst(24)));
    expect(done.every((r) => r.status === 'completed' && r.level === 1)).toBe(true);
    expect(fake.rateLimited('openai', 'gpt-4o')).toBe(0);
    expect(maxPerSecond(fake.acceptedAt('openai', 'gpt-4o'))).toBeLessThanOrEqual(5);
    const calls = fake.acceptedAt('openai', 'gpt-4o').sort((a, b) => a - b);
    // 24 calls at 4 a second take five seconds at least.
    expect((calls.at(-1) ?? 0) - (calls[0] ?? 0)).toBeGreaterThanOrEqual(4500);
  });

  it('a 429 saturates the target: jobs wait it out (Retry-After), the breaker stays closed', async () => {
    // The provider admits 5 a second and the ladder knows no limit: 429s teach it.
    fake.rateLimit('openai', 'gpt-4o', { perSecond: 5 });
    ladder = await startTestLadder(config());
    const done = await results(await enqueueAll(burst(30)));
    expect(done.every((r) => r.status === 'completed' && r.level === 1)).toBe(true);
    const limited = done.flatMap((r) => r.attempts).filter((a) => a.status === 429);
    // Every 429 stays in the trail as a transient error; it is no breaker failure.
    expect(limited.every((a) => a.outcome === 'error' && a.class === 'transient')).toBe(true);
    expect(fake.rateLimited('openai', 'gpt-4o')).toBeGreaterThan(0);
    // Adaptation: far fewer 429s than a blind retry storm (30 jobs × 3 calls).
    expect(fake.rateLimited('openai', 'gpt-4o')).toBeLessThan(30);
    const breaker = await ladder.runtime.breakers.snapshot(TARGET);
    expect(breaker.state).toBe('closed');
    expect(breaker.failures).toBe(0);
  });

  it('without the scheduler (quota.adaptive: false, no limits:) a burst degrades, as before', async () => {
    fake.rateLimit('openai', 'gpt-4o', { perSecond: 5 });
    ladder = await startTestLadder(config({ quota: { adaptive: false } }));
    const done = await results(await enqueueAll(burst(30)));
    expect(done.some((r) => r.level === 2)).toBe(true);
  });

  it('a short deadline degrades exactly the jobs that cannot wait', async () => {
    fake.rateLimit('openai', 'gpt-4o', { perSecond: 2 });
    ladder = await startTestLadder(config({ limits: { [TARGET]: { rpm: 120 } } }));
    const patient = await enqueueAll(burst(10));
    await parked(6);
    const hurried = await enqueueAll(
      Array.from({ length: 4 }, (_, i) => job(`hurried ${i}`, { deadline_ms: 1500 })),
    );
    const [slow, quick] = [await results(patient), await results(hurried)];
    expect(slow.map((r) => r.level)).toEqual(slow.map(() => 1));
    expect(quick.map((r) => r.level)).toEqual(quick.map(() => 2));
    for (const r of quick) {
      expect(r.degraded).toBe(true);
      expect(r.attempts[0]).toMatchObject({
        level: 1,
        provider: 'openai',
        model: 'gpt-4o',
        outcome: 'skipped',
        reason: 'quota',
      });
    }
    const ops: LadderOps = ladder.ops;
    const report = await ops.report?.({ sinceMs: Date.now() - 3_600_000 });
    expect(report?.quota).toMatchObject({ degraded: 4 });
    expect(report?.quota?.waited).toBeGreaterThanOrEqual(6);
    expect(report?.failovers.by_reason.quota).toBe(4);
  });

  it("a second agent's few jobs finish promptly behind another agent's burst", async () => {
    ladder = await startTestLadder(config({ limits: { [TARGET]: { rpm: 600 } } }));
    const bulk = await enqueueAll(burst(60, { metadata: { agent: 'bulk' } }));
    await parked(20);
    const few = await enqueueAll(burst(3, { metadata: { agent: 'few' } }));
    const [many, small] = [await results(bulk), await results(few)];
    const finished = (r: JobResult): number => Date.parse(r.timing.finished_at ?? '');
    const bulkDone = many.map(finished).sort((a, b) => a - b);
    const lastFew = Math.max(...small.map(finished));
    // Fair share: the few jobs are served alongside the burst, not after its 40-odd waiting jobs.
    expect(lastFew).toBeLessThan(bulkDone[Math.floor(bulkDone.length * 0.75)] ?? 0);
  });

  it('higher priority starts first among waiting jobs', async () => {
    ladder = await startTestLadder(config({ limits: { [TARGET]: { rpm: 300 } } }));
    const low = await enqueueAll(burst(20, { priority: 900 }));
    await parked(10);
    const high = await enqueueAll(burst(3, { priority: 1 }));
    const [lows, highs] = [await results(low), await results(high)];
    const finished = (r: JobResult): number => Date.parse(r.timing.finished_at ?? '');
    const lowDone = lows.map(finished).sort((a, b) => a - b);
    expect(Math.max(...highs.map(finished))).toBeLessThan(
      lowDone[Math.floor(lowDone.length / 2)] ?? 0,
    );
  });
});
