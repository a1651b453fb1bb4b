import { describe, expect, inject, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { buildReport } from '../../src/cost/report.js';
import { periodKey } from '../../src/cost/period.js';
import { loadDefinition } from '../../src/levels/definition.js';
import { createKeys } from '../../src/ladder/keys.js';
import { LadderClient } from '../../src/producer/ladder-client.js';
import { ok, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { job, testPrefix } from '../helpers/ladder.js';
import { runLadder, writeConfigFile, type LadderProcess } from '../helpers/processes.js';
import { FIVE_LEVELS } from './fixtures.js';

let fake: FakeProvider;
withFakeProvider((f) => (fake = f));

describe('totals and budgets across worker processes', () => {
  it('adds every process’s jobs exactly, and overspends a level budget by no more than the jobs in flight', async () => {
    const prefix = testPrefix();
    const providers = Object.fromEntries(
      (['anthropic', 'openai', 'google'] as const).map((p) => [
        p,
        { api_key: `sk-test-${p}`, base_url: fake.baseUrls[p], timeout_ms: 10_000 },
      ]),
    );
    // $0.03 a day is four level-1 jobs at $0.0075.
    const path = writeConfigFile({
      ...FIVE_LEVELS,
      redis: { url: inject('redisUrl'), prefix },
      providers,
      budgets: { levels: { full: { daily_usd: 0.03 } } },
    });
    fake.setDefault('anthropic', 'claude-opus-4-7', {
      ...ok('opus', { input_tokens: 1000, output_tokens: 100 }),
      delayMs: 50,
    });
    fake.setDefault(
      'anthropic',
      'claude-sonnet-4-6',
      ok('sonnet', { input_tokens: 12, output_tokens: 7 }),
    );
    const CONCURRENCY = 4;
    const workers: LadderProcess[] = [1, 2].map(() =>
      runLadder([
        'worker',
        '--config',
        path,
        '--concurrency',
        String(CONCURRENCY),
        '--level',
        'full',
        'reduced',
        'basic',
        'cached',
        'static',
      ]),
    );
    const redis = new Redis(inject('redisUrl'));
    // No config: this producer knows nothing of budgets, so every job enters level 1 and the
    // workers' own check is what holds the budget.
    const client = new LadderClient({ redis: inject('redisUrl'), prefix });
    try {
      await Promise.all(workers.map((w) => w.waitFor('workers started')));
      const JOBS = 24;
      const ids = await client.enqueueMany(
        Array.from({ length: JOBS }, (_, i) => job(`question ${i}`)),
      );
      const results = await Promise.all(ids.map((a) => client.result(a.id, { timeoutMs: 20_000 })));
      expect(results.every((r) => r?.status === 'completed')).toBe(true);

      const keys = createKeys(prefix);
      const definition = (await loadDefinition(redis, keys))!;
      const report = async () =>
        buildReport({ redis, keys, definition, since: Date.now() - 3_600_000 });
      await vi.waitFor(async () => expect((await report()).jobs.completed).toBe(JOBS), {
        timeout: 10_000,
      });
      const r = await report();
      const atFull = r.levels[0]!.jobs;
      const atReduced = r.levels[1]!.jobs;
      expect(atFull + atReduced).toBe(JOBS);
      expect(atFull).toBeGreaterThanOrEqual(4);
      expect(atFull).toBeLessThanOrEqual(4 + 2 * CONCURRENCY);
      expect(r.failovers.by_reason.budget).toBe(atReduced);
      expect(r.cost.actual_usd).toBeCloseTo(atFull * 0.0075 + atReduced * 0.000141, 9);
      const spentNusd = Number(
        await redis.hget(keys.budgetSpend(periodKey('day', Date.now())), 'level:full'),
      );
      expect(spentNusd).toBe(atFull * 7_500_000);
      // Both processes served jobs, and their totals were added, not overwritten.
      for (const w of workers) expect(w.output()).toContain('job completed');
    } finally {
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited()));
      await client.close();
      redis.disconnect();
    }
  }, 60_000);
});
