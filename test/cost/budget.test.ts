import { afterEach, describe, expect, it, vi } from 'vitest';
import { BudgetSpend } from '../../src/cost/budget-spend.js';
import { createPriceLookup } from '../../src/cost/prices.js';
import { createStateDecorator } from '../../src/cost/state-decorator.js';
import { redisSource, type LadderConfig } from '../../src/config/types.js';
import { createKeys } from '../../src/ladder/keys.js';
import type { JobResult } from '../../src/ladder/result.js';
import { RedisLadderOps } from '../../src/producer/redis-ops.js';
import { connectRedis, createRedis } from '../../src/util/redis.js';
import type { Clock } from '../../src/jobs/hooks.js';
import { ok, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { job, startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';
import { FIVE_LEVELS } from './fixtures.js';

let fake: FakeProvider;
let ladder: TestLadder | undefined;
let producer: { ops: RedisLadderOps; spend: BudgetSpend } | undefined;

withFakeProvider((f) => (fake = f));
afterEach(async () => {
  producer?.spend.close();
  await producer?.ops.close();
  producer = undefined;
  await ladder?.close();
  ladder = undefined;
  fake.reset();
});

/** A clock the test moves; sleeps are real (backoff only). */
function testClock(iso: string): Clock & { set(iso: string): void } {
  let nowMs = Date.parse(iso);
  return {
    now: () => nowMs,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    set: (to) => {
      nowMs = Date.parse(to);
    },
  };
}

/** A producer whose budget spend and ladder state use the test's clock. */
async function startProducer(
  config: LadderConfig,
  clock: Clock,
): Promise<{ ops: RedisLadderOps; spend: BudgetSpend }> {
  const redis = createRedis(redisSource(config.redis), 'producer');
  await connectRedis(redis);
  const keys = createKeys(config.redis.prefix);
  const now = () => clock.now();
  const spend = await new BudgetSpend({
    redis,
    keys,
    budgets: config.budgets,
    levels: config.levels,
    prices: createPriceLookup(config.prices),
    now,
    refreshMs: 60_000,
  }).start();
  const ops = new RedisLadderOps({
    redis,
    prefix: config.redis.prefix,
    owned: [redis],
    availability: spend.availability,
    now,
    decorateState: createStateDecorator({ redis, keys, budgets: config.budgets, now }),
  });
  return { ops, spend };
}

const trail = (r: JobResult | null) =>
  r?.attempts.map((a) => [a.level, a.outcome === 'skipped' ? a.reason : a.outcome]);
// Opus at $5/$25 per million: 1000 in + 100 out = $0.0075 a job.
const OPUS_JOB = ok('from opus', { input_tokens: 1000, output_tokens: 100 });

describe('budgets that degrade', () => {
  it('a spent level sends new jobs down with reason budget, and takes them again after the period boundary', async () => {
    const clock = testClock('2026-11-25T23:59:00Z');
    const config = testConfig(
      { ...FIVE_LEVELS, budgets: { levels: { full: { daily_usd: 0.01 } } } },
      fake,
    );
    ladder = await startTestLadder(config, { clock });
    producer = await startProducer(config, clock);
    fake.setDefault('anthropic', 'claude-opus-4-7', OPUS_JOB);
    const run = async (ops: RedisLadderOps, text: string) =>
      ops.result((await ops.enqueue(job(text))).id, { timeoutMs: 10_000 });

    // Two jobs start while the day's $0.01 is not spent; together they spend $0.015.
    expect(await run(producer.ops, 'a')).toMatchObject({ level: 1, cost_usd: 0.0075 });
    expect(await run(producer.ops, 'b')).toMatchObject({ level: 1, cost_usd: 0.0075 });

    // The producer's budget spend (read back, or from its next refresh) enters new jobs one level down.
    // Stats are written just after the result, so wait for the second job's spend to land.
    await vi.waitFor(async () => {
      await producer!.spend.refresh();
      expect(producer!.spend.spentUsd('level', 'full')).toBe(0.015);
    });
    const entered = await producer.ops.enqueue(job('c'));
    expect(entered).toMatchObject({ level: 2, level_name: 'reduced' });
    const c = await ladder.ops.result(entered.id, { timeoutMs: 10_000 });
    expect(c).toMatchObject({ status: 'completed', level: 2, entry_level: 1, degraded: true });
    expect(trail(c)).toEqual([
      [1, 'budget'],
      [2, 'ok'],
    ]);

    // A job that reaches the level-1 queue anyway (a producer without budgets) is refused there.
    const d = await run(ladder.ops, 'd');
    expect(d).toMatchObject({ level: 2, degraded: true });
    expect(trail(d)).toEqual([
      [1, 'budget'],
      [2, 'ok'],
    ]);
    expect(fake.calls('anthropic', 'claude-opus-4-7')).toBe(2);

    const before = await producer.ops.ladder();
    expect(before.levels[0]).toMatchObject({
      state: 'budget',
      budget: { period: 'day', limit_usd: 0.01, spent_usd: 0.015 },
    });

    // A new UTC day: the budget is whole again.
    clock.set('2026-11-26T00:00:05Z');
    await producer.spend.refresh();
    expect(await run(producer.ops, 'e')).toMatchObject({
      level: 1,
      degraded: false,
      attempts: [expect.objectContaining({ level: 1, outcome: 'ok' })],
    });
    await vi.waitFor(async () => {
      const after = await producer!.ops.ladder();
      expect(after.levels[0]).toMatchObject({
        state: 'live',
        budget: { period: 'day', limit_usd: 0.01, spent_usd: 0.0075 },
      });
      // a and b in the hour before (almost all of it still inside the last 60 minutes), e in this one.
      expect(after.levels[0]?.served_last_hour).toBe(3);
      expect(after.levels[1]?.served_last_hour).toBe(2);
    });
  });

  it('an agent over its budget is served by the levels that cost nothing, or fails at its floor', async () => {
    const clock = testClock('2026-11-10T12:00:00Z');
    const config = testConfig(
      { ...FIVE_LEVELS, budgets: { agents: { 'cheap-bot': { monthly_usd: 0.005 } } } },
      fake,
    );
    ladder = await startTestLadder(config, { clock });
    producer = await startProducer(config, clock);
    fake.setDefault('anthropic', 'claude-opus-4-7', OPUS_JOB);
    const agentJob = (text: string, agent: string, extra: Record<string, unknown> = {}) =>
      job(text, { metadata: { agent }, ...extra });
    const run = async (body: Record<string, unknown>) =>
      ladder!.ops.result((await producer!.ops.enqueue(body)).id, { timeoutMs: 10_000 });

    expect(await run(agentJob('first', 'cheap-bot'))).toMatchObject({ level: 1, cost_usd: 0.0075 });
    await vi.waitFor(async () => {
      await producer!.spend.refresh();
      expect(producer!.spend.spentUsd('agent', 'cheap-bot')).toBe(0.0075);
    });

    const spent = await run(agentJob('second', 'cheap-bot'));
    expect(spent).toMatchObject({
      status: 'completed',
      level: 5,
      source: 'static',
      degraded: true,
    });
    expect(trail(spent)).toEqual([
      [1, 'budget'],
      [2, 'budget'],
      [3, 'budget'],
      [4, 'cache_miss'],
      [5, 'ok'],
    ]);

    const floored = await run(agentJob('third', 'cheap-bot', { floor: 'reduced' }));
    expect(floored).toMatchObject({ status: 'failed', level: 2 });
    expect(trail(floored)).toEqual([
      [1, 'budget'],
      [2, 'budget'],
    ]);

    // Other agents are not held to cheap-bot's budget; a new month resets it.
    expect(await run(agentJob('fourth', 'other-bot'))).toMatchObject({ level: 1, degraded: false });
    clock.set('2026-12-01T00:00:01Z');
    await producer.spend.refresh();
    expect(await run(agentJob('fifth', 'cheap-bot'))).toMatchObject({ level: 1, degraded: false });
    expect(fake.calls('anthropic', 'claude-opus-4-7')).toBe(3);
  });
});
