import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Queue } from 'bullmq';
import { LadderClient } from '../../src/producer/ladder-client.js';
import { ok, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { job, startTestLadder, testConfig, testPrefix } from '../helpers/ladder.js';
import { runLadder, writeConfigFile } from '../helpers/processes.js';

let fake: FakeProvider;
withFakeProvider((f) => (fake = f));

function fileConfig(prefix: string): Record<string, unknown> {
  return {
    redis: { url: inject('redisUrl'), prefix },
    providers: {
      openai: {
        api_key: 'sk-test-crash-secret',
        base_url: fake.baseUrls.openai,
        timeout_ms: 10_000,
      },
    },
    levels: [
      { name: 'full', targets: ['openai/gpt-4o'] },
      { name: 'static', serve: 'static', message: 'limited' },
    ],
    worker: { lock_duration_ms: 1_000, stalled_interval_ms: 500, shutdown_grace_ms: 5_000 },
  };
}

describe('worker crashes and shutdown', () => {
  it('a worker SIGKILLed mid-job loses nothing: the job runs again elsewhere and has one result', async () => {
    const prefix = testPrefix();
    const path = writeConfigFile(fileConfig(prefix));
    fake.script(
      'openai',
      'gpt-4o',
      { ...ok('never delivered'), delayMs: 30_000 },
      ok('served after the crash'),
    );
    const first = runLadder(['worker', '--config', path, '--level', 'full']);
    await first.waitFor('workers started');
    const client = new LadderClient({ redis: inject('redisUrl'), prefix });
    try {
      const { id } = await client.enqueue(job('survive a crash', { id: 'crash-1' }));
      for (let i = 0; i < 200 && fake.calls('openai', 'gpt-4o') === 0; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(fake.calls('openai', 'gpt-4o')).toBe(1);
      first.child.kill('SIGKILL');
      await first.exited();

      const second = runLadder(['worker', '--config', path, '--level', 'full']);
      try {
        const result = await client.result(id, { timeoutMs: 20_000 });
        expect(result).toMatchObject({
          id: 'crash-1',
          status: 'completed',
          output: { text: 'served after the crash' },
        });
        expect(fake.calls('openai', 'gpt-4o')).toBe(2);
        const again = await client.get(id);
        expect(again?.attempts.filter((a) => a.outcome === 'ok')).toHaveLength(1);
      } finally {
        second.child.kill('SIGTERM');
        expect(await second.exited()).toBe(0);
      }
    } finally {
      await client.close();
    }
  });

  it('SIGTERM lets an active job finish within the grace period, then exits 0', async () => {
    const prefix = testPrefix();
    const path = writeConfigFile(fileConfig(prefix));
    fake.script('openai', 'gpt-4o', { ...ok('finished during shutdown'), delayMs: 800 });
    const worker = runLadder(['worker', '--config', path, '--level', 'full']);
    await worker.waitFor('workers started');
    const client = new LadderClient({ redis: inject('redisUrl'), prefix });
    try {
      const calls = fake.calls('openai', 'gpt-4o');
      const { id } = await client.enqueue(job('finish me'));
      for (let i = 0; i < 200 && fake.calls('openai', 'gpt-4o') === calls; i++)
        await new Promise((r) => setTimeout(r, 20));
      worker.child.kill('SIGTERM');
      expect(await worker.exited()).toBe(0);
      const result = await client.get(id);
      expect(result).toMatchObject({
        status: 'completed',
        output: { text: 'finished during shutdown' },
      });
    } finally {
      await client.close();
    }
  });

  it('never sends a job whose result is already final to a provider again', async () => {
    const config = testConfig({ levels: [{ name: 'full', targets: ['openai/gpt-4o'] }] }, fake);
    const ladder = await startTestLadder(config);
    try {
      const { id } = await ladder.ops.enqueue(job('once only', { id: 'final-once' }));
      expect((await ladder.ops.result(id, { timeoutMs: 10_000 }))?.status).toBe('completed');
      const calls = fake.calls('openai', 'gpt-4o');
      // BullMQ running the same job again (as after a crash or a Redis restart): a raw re-add.
      const queue = new Queue('full', {
        connection: { url: config.redis.url },
        prefix: config.redis.prefix,
      });
      const rerun = await queue.add('completion', job('once only', { id: 'final-once' }), {
        jobId: 'final-once-rerun',
      });
      for (let i = 0; i < 200 && !(await rerun.isCompleted()); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(await rerun.isCompleted()).toBe(true);
      await queue.close();
      expect(fake.calls('openai', 'gpt-4o')).toBe(calls);
    } finally {
      await ladder.close();
    }
  });
});
