import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hang, ok, startFakeProvider, type FakeProvider } from '../helpers/fake-provider/server.js';
import { job, startTestLadder, testConfig } from '../helpers/ladder.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});

describe('shutting a worker down', () => {
  it('cuts a provider call still running when the grace runs out and puts its job back on the queue, where the next worker serves it', async () => {
    const config = testConfig(
      {
        levels: [
          { name: 'full', targets: ['openai/gpt-4o'] },
          { name: 'static', serve: 'static', message: 'Service temporarily limited' },
        ],
        // A call that would hang for a minute, and a grace of a tenth of a second.
        providers: { openai: { timeout_ms: 60_000 } },
        worker: { shutdown_grace_ms: 100, lock_duration_ms: 30_000 },
      },
      fake,
    );
    fake.script('openai', 'gpt-4o', hang());
    const first = await startTestLadder(config);
    const queue = new Queue('full', {
      connection: { url: config.redis.url },
      prefix: config.redis.prefix,
    });
    try {
      const { id } = await first.ops.enqueue(job('interrupted by a deploy'));
      await expect.poll(() => fake.calls('openai', 'gpt-4o')).toBe(1);
      await first.close();
      // Back in the queue at once (not locked until its lock lapses), its record queued, its
      // cut call neither a failure on the trail nor a breaker failure.
      expect(await queue.getJobCounts('active', 'prioritized', 'wait')).toMatchObject({
        active: 0,
      });
      const counts = await queue.getJobCounts('prioritized', 'wait');
      expect((counts.prioritized ?? 0) + (counts.wait ?? 0)).toBe(1);

      fake.script('openai', 'gpt-4o', ok('served after the deploy'));
      const second = await startTestLadder(config);
      try {
        const result = await second.ops.result(id, { timeoutMs: 10_000 });
        expect(result).toMatchObject({ status: 'completed', level: 1 });
        expect(result?.output?.text).toBe('served after the deploy');
        expect(result?.attempts.filter((a) => a.outcome === 'error')).toEqual([]);
        const state = await second.ops.ladder();
        expect(state.levels[0]?.targets[0]?.breaker.state).toBe('closed');
      } finally {
        await second.close();
      }
    } finally {
      await queue.close();
    }
  });
});

describe('the shutdown signal every call listens to', () => {
  it('carries more calls in flight than Node’s default of ten listeners without a leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(`${w.name}: ${w.message}`);
    };
    process.on('warning', onWarning);
    const config = testConfig({
      levels: [
        { name: 'full', targets: ['simulated/slow'] },
        { name: 'static', serve: 'static' },
      ],
      providers: { simulated: { latency_ms: 300, failure_rate: 0 } },
      worker: { concurrency: 16 },
    });
    const ladder = await startTestLadder(config);
    try {
      const ids = await ladder.ops.enqueueMany(
        Array.from({ length: 16 }, (_, i) => job(`call ${i}`)),
      );
      const results = await Promise.all(
        ids.map(({ id }) => ladder.ops.result(id, { timeoutMs: 20_000 })),
      );
      expect(results.map((r) => r?.status)).toEqual(ids.map(() => 'completed'));
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => /MaxListeners/.test(w))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await ladder.close();
    }
  });
});
