import { afterEach, describe, expect, it } from 'vitest';
import { LadderClient } from '../../src/producer/ladder-client.js';
import { ok, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { job, startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';
import { FIVE_LEVELS } from './fixtures.js';

let fake: FakeProvider;
let ladder: TestLadder | undefined;
withFakeProvider((f) => (fake = f));
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
  fake.reset();
});

describe('budgets seen by a client over Redis with no config file', () => {
  it('shows the spent level with its budget and sends new jobs below it, reason budget', async () => {
    const config = testConfig(
      { ...FIVE_LEVELS, budgets: { levels: { full: { daily_usd: 0.005 } } } },
      fake,
    );
    ladder = await startTestLadder(config);
    // Opus at $5/$25 per million: 1000 in + 100 out = $0.0075, over the day's $0.005.
    fake.setDefault(
      'anthropic',
      'claude-opus-4-7',
      ok('from opus', { input_tokens: 1000, output_tokens: 100 }),
    );
    fake.setDefault('anthropic', 'claude-sonnet-4-6', ok('from sonnet'));
    const first = await ladder.ops.enqueue(job('spends the day'));
    expect(await ladder.ops.result(first.id, { timeoutMs: 10_000 })).toMatchObject({ level: 1 });

    // The documented way: a URL and a prefix, nothing else.
    const client = new LadderClient({ redis: config.redis.url, prefix: config.redis.prefix });
    try {
      const full = (await client.ladder()).levels[0];
      expect(full?.budget).toMatchObject({ period: 'day', limit_usd: 0.005 });
      expect(full?.budget?.spent_usd).toBeGreaterThan(0.005);
      await expect
        .poll(async () => (await client.ladder()).levels[0]?.state, { timeout: 5_000 })
        .toBe('budget');
      const next = await client.enqueue(job('after the budget is spent'));
      expect(next.level).toBe(2);
      const result = await client.result(next.id, { timeoutMs: 10_000 });
      expect(result?.attempts[0]).toMatchObject({ level: 1, outcome: 'skipped', reason: 'budget' });
      expect(result).toMatchObject({ status: 'completed', level: 2 });
    } finally {
      await client.close();
    }
  });
});
