import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { pauseLevel } from '../../src/levels/operator-pause.js';
import { createKeys } from '../../src/ladder/keys.js';
import { LadderClient } from '../../src/producer/ladder-client.js';
import { redisSource } from '../../src/config/types.js';
import { connectRedis, createRedis } from '../../src/util/redis.js';
import { down, ok, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import {
  job,
  startTestLadder,
  testConfig,
  testPrefix,
  testRedisBlock,
  testRedisSource,
  type TestLadder,
} from '../helpers/ladder.js';
import { runLadder, writeConfigFile, type LadderProcess } from '../helpers/processes.js';

let fake: FakeProvider;
const processes: LadderProcess[] = [];
let ladder: TestLadder | undefined;

withFakeProvider((f) => (fake = f));
afterEach(async () => {
  for (const p of processes.splice(0)) {
    p.child.kill('SIGTERM');
    await p.exited();
  }
  await ladder?.close();
  ladder = undefined;
  fake.reset();
});

const BREAKER = {
  failure_threshold: 3,
  window: 30,
  minimum_calls: 1000,
  reset_timeout: 1,
  max_reset_timeout: 1,
  half_open_max_calls: 1,
};

function ladderData(prefix: string): Record<string, unknown> {
  return {
    redis: testRedisBlock(prefix),
    providers: {
      openai: {
        api_key: 'sk-test-outage-secret',
        base_url: fake.baseUrls.openai,
        timeout_ms: 2_000,
      },
      google: { api_key: 'test-google-secret', base_url: fake.baseUrls.google, timeout_ms: 2_000 },
    },
    levels: [
      { name: 'full', targets: ['openai/gpt-4o'] },
      { name: 'reduced', targets: ['google/gemini-2.0-flash'] },
      { name: 'static', serve: 'static', message: 'limited' },
    ],
    fallback: { max_retries: 0 },
    breaker: BREAKER,
    worker: { concurrency: 4 },
  };
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - started;
}

describe('the breaker pauses, reroutes and restores a level', () => {
  it('a hard-down target: opens at the threshold, pauses its level, the backlog completes below, and it comes back', async () => {
    const prefix = testPrefix();
    const path = writeConfigFile(ladderData(prefix));
    fake.setDefault('openai', 'gpt-4o', down());
    for (let i = 0; i < 2; i++)
      processes.push(
        runLadder([
          'worker',
          '--config',
          path,
          '--level',
          'full',
          '--level',
          'reduced',
          '--level',
          'static',
        ]),
      );
    await Promise.all(processes.map((p) => p.waitFor('workers started')));
    const client = new LadderClient({ redis: testRedisSource(), prefix });
    // A client of its own (on a cluster, a cluster client): BullMQ takes either.
    const queueRedis = createRedis(testRedisSource(), 'worker');
    const queue = new Queue('full', { connection: queueRedis, prefix });
    // The pause is watched from the start: with reset_timeout 1 s the breaker may already be
    // half-open (queue resumed, no probe waiting) by the time the backlog has drained.
    let sawPaused = false;
    let watching = true;
    const watcher = (async () => {
      while (watching && !sawPaused) {
        sawPaused = await queue.isPaused();
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    try {
      const started = Date.now();
      const jobs = Array.from({ length: 80 }, (_, i) =>
        job(`outage job ${i}`, { id: `outage-${i}` }),
      );
      const answers = await client.enqueueMany(jobs);
      const results = await Promise.all(
        answers.map((a) => client.result(a.id, { timeoutMs: 30_000 })),
      );
      const elapsedS = (Date.now() - started) / 1000;
      expect(results.map((r) => r?.status)).toEqual(results.map(() => 'completed'));
      expect(new Set(results.map((r) => r?.id)).size).toBe(80);
      expect(results.filter((r) => r?.level === 2).length).toBeGreaterThan(60);
      // The threshold, the calls in flight when it opened (2 processes × 4), one probe per reset period.
      const bound = 3 + 8 + Math.ceil(elapsedS / 1) + 1;
      expect(fake.calls('openai', 'gpt-4o')).toBeLessThanOrEqual(bound);
      const rerouted = results.find((r) =>
        r?.attempts.some((a) => a.reason === 'level_down' || a.reason === 'breaker_open'),
      );
      expect(rerouted).toBeDefined();

      const state = await client.ladder();
      expect(['open', 'half_open']).toContain(state.levels[0]?.targets[0]?.breaker.state);
      expect(state.levels[0]?.targets[0]?.breaker.last_errors.length).toBeGreaterThan(0);
      await until(async () => sawPaused, 3_000);
      watching = false;
      await watcher;

      // During the outage, calls stay at about one probe per reset period, not one per job.
      const before = fake.calls('openai', 'gpt-4o');
      const more = await client.enqueueMany(
        Array.from({ length: 40 }, (_, i) => job(`during ${i}`)),
      );
      const during = await Promise.all(more.map((a) => client.result(a.id, { timeoutMs: 30_000 })));
      expect(during.every((r) => r?.status === 'completed')).toBe(true);
      expect(fake.calls('openai', 'gpt-4o') - before).toBeLessThanOrEqual(3);

      // Recovery: within reset_timeout plus one probe, new jobs are served at level 1 again.
      fake.setDefault('openai', 'gpt-4o', ok('back'));
      const recovered = await until(async () => {
        const { id } = await client.enqueue(job(`after ${Date.now()}`));
        return (await client.result(id, { timeoutMs: 5_000 }))?.level === 1;
      }, 6_000);
      expect(recovered).toBeLessThan(4_000);
      await until(async () => !(await queue.isPaused()), 3_000);
      expect((await client.ladder()).levels[0]?.state).toBe('live');
    } finally {
      watching = false;
      await watcher;
      await queue.close();
      queueRedis.disconnect();
      await client.close();
    }
  }, 90_000); // a real backlog drains through real timeouts: slow on a busy 2-core machine

  it('three worker processes of one level share one breaker', async () => {
    const prefix = testPrefix();
    const path = writeConfigFile(ladderData(prefix));
    fake.setDefault('openai', 'gpt-4o', down());
    for (let i = 0; i < 3; i++)
      processes.push(
        runLadder(['worker', '--config', path, '--level', 'full', '--concurrency', '1']),
      );
    processes.push(
      runLadder(['worker', '--config', path, '--level', 'reduced', '--level', 'static']),
    );
    await Promise.all(processes.map((p) => p.waitFor('workers started', 90_000)));
    const client = new LadderClient({ redis: testRedisSource(), prefix });
    try {
      const answers = await client.enqueueMany(
        Array.from({ length: 30 }, (_, i) => job(`shared ${i}`)),
      );
      const results = await Promise.all(
        answers.map((a) => client.result(a.id, { timeoutMs: 30_000 })),
      );
      expect(results.every((r) => r?.status === 'completed')).toBe(true);
      // One breaker: three processes open it together after three failures in all, not three each.
      expect(fake.calls('openai', 'gpt-4o')).toBeLessThanOrEqual(3 + 3 + 3);
    } finally {
      await client.close();
    }
  }, 120_000); // four CLI processes start through tsx: slow on a busy 2-core machine

  it("an operator's pause survives the breaker closing", async () => {
    const config = testConfig({ ...ladderData(testPrefix()), redis: undefined }, fake);
    ladder = await startTestLadder(config);
    const redis = createRedis(redisSource(config.redis), 'producer');
    await connectRedis(redis);
    const queue = new Queue('full', { connection: redis, prefix: config.redis.prefix });
    try {
      await pauseLevel({ redis, keys: createKeys(config.redis.prefix), queue });
      await ladder.ops.breaker('openai/gpt-4o', 'open');
      await new Promise((r) => setTimeout(r, 300));
      await ladder.ops.breaker('openai/gpt-4o', 'auto');
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await queue.isPaused()).toBe(true);
      const state = await ladder.ops.ladder();
      expect(state.levels[0]?.state).toBe('paused');
      fake.script('google', 'gemini-2.0-flash', ok('served below the paused level'));
      const { id, level } = await ladder.ops.enqueue(job('while paused'));
      expect(level).toBe(2);
      const result = await ladder.ops.result(id, { timeoutMs: 5_000 });
      expect(result?.attempts[0]).toMatchObject({
        level: 1,
        outcome: 'skipped',
        reason: 'level_down',
      });
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});
