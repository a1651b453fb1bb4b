import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, ok, type FakeProvider } from '../helpers/fake-provider/server.js';
import { job, startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';

let fake: FakeProvider;
let ladder: TestLadder | undefined;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
  fake.reset();
});
afterAll(async () => {
  await fake.close();
});

describe('sweeping a down level', () => {
  it("keeps a raw BullMQ job's own floor: it ends at that floor, not at the static level it refused", async () => {
    const config = testConfig(
      {
        levels: [
          { name: 'full', targets: ['anthropic/claude-opus-4-7'] },
          { name: 'reduced', targets: ['openai/gpt-4o'] },
          { name: 'static', serve: 'static', message: 'Service temporarily limited' },
        ],
        breaker: { reset_timeout: 60 },
      },
      fake,
    );
    ladder = await startTestLadder(config);
    const queue = new Queue('full', {
      connection: { url: config.redis.url },
      prefix: config.redis.prefix,
    });
    try {
      await ladder.ops.breaker('anthropic/claude-opus-4-7', 'open');
      await ladder.ops.breaker('openai/gpt-4o', 'open');
      await expect.poll(() => queue.isPaused(), { timeout: 10_000 }).toBe(true);
      // A raw producer adds straight to the paused level's queue; the sweep must move it on.
      await queue.add('completion', job('raw, not below reduced', { id: 'raw-floor', floor: 2 }), {
        jobId: 'job.raw-floor',
      });
      const result = await ladder.ops.result('raw-floor', { timeoutMs: 15_000 });
      // Both levels down to its floor are down: it fails there (where the sweep found it), naming
      // them, instead of being served the static message it refused.
      expect(result).toMatchObject({ status: 'failed', floor: 2 });
      expect(result?.level).toBeLessThanOrEqual(2);
      expect(result?.error?.message).toMatch(/reduced/);
      expect(fake.calls('anthropic', 'claude-opus-4-7')).toBe(0);
    } finally {
      await queue.close();
    }
  });

  it('a raw job swept off a down level with room below is served there', async () => {
    const config = testConfig(
      {
        levels: [
          { name: 'full', targets: ['anthropic/claude-opus-4-7'] },
          { name: 'reduced', targets: ['openai/gpt-4o'] },
          { name: 'static', serve: 'static', message: 'Service temporarily limited' },
        ],
        breaker: { reset_timeout: 60 },
      },
      fake,
    );
    ladder = await startTestLadder(config);
    fake.script('openai', 'gpt-4o', ok('served at reduced'));
    const queue = new Queue('full', {
      connection: { url: config.redis.url },
      prefix: config.redis.prefix,
    });
    try {
      await ladder.ops.breaker('anthropic/claude-opus-4-7', 'open');
      await expect.poll(() => queue.isPaused(), { timeout: 10_000 }).toBe(true);
      await queue.add('completion', job('raw', { id: 'raw-served', floor: 'reduced' }), {
        jobId: 'job.raw-served',
      });
      const result = await ladder.ops.result('raw-served', { timeoutMs: 15_000 });
      expect(result).toMatchObject({ status: 'completed', level: 2, floor: 2 });
      expect(result?.attempts[0]).toMatchObject({ level: 1, reason: 'level_down' });
    } finally {
      await queue.close();
    }
  });
});
