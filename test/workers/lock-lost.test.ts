import { describe, expect, it } from 'vitest';
import { redisSource } from '../../src/config/types.js';
import { bullJobId } from '../../src/jobs/bull-job-id.js';
import { connectRedis, createRedis } from '../../src/util/redis.js';
import { ok, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { job, startTestLadder, testConfig } from '../helpers/ladder.js';

let fake: FakeProvider;
withFakeProvider((f) => (fake = f));

describe('a run that lost its BullMQ lock', () => {
  // A worker starved of CPU past its lock duration loses the job to BullMQ's stalled check while
  // its run goes on; the fault suite saw such a run retry a provider after the run that took the
  // job over had made the result final. Here the lock is taken from the run mid-call, as a
  // takeover leaves it: held by another token.
  it('makes no further provider call; the run that holds the job next serves it', async () => {
    const config = testConfig(
      {
        providers: { openai: { timeout_ms: 1_500 } },
        levels: [{ name: 'full', targets: ['openai/gpt-4o'] }],
        fallback: { max_retries: 2 },
        worker: { lock_duration_ms: 5_000, stalled_interval_ms: 300 },
      },
      fake,
    );
    fake.script('openai', 'gpt-4o', { kind: 'hang' }, ok('from the run that holds the job'));
    const ladder = await startTestLadder(config);
    const redis = createRedis(redisSource(config.redis), 'producer');
    try {
      await connectRedis(redis, 10_000);
      const { id } = await ladder.ops.enqueue(job('lose the lock', { id: 'lock-lost-1' }));
      await expect.poll(() => fake.calls('openai', 'gpt-4o'), { timeout: 10_000 }).toBe(1);
      // BullMQ's lock key: the test fails here, not silently, if BullMQ ever names it otherwise.
      const lock = `${config.redis.prefix}:full:${bullJobId(id)}:lock`;
      expect(await redis.get(lock)).not.toBeNull();
      // Another run's lock, lapsing after the hanging call has timed out: then the job is stalled
      // and handed out again.
      await redis.set(lock, 'another-run', 'PX', 2_500);

      const result = await ladder.ops.result(id, { timeoutMs: 20_000 });
      expect(result).toMatchObject({
        status: 'completed',
        output: { text: 'from the run that holds the job' },
      });
      // The run that lost the lock wrote nothing and did not retry after its call timed out: the
      // record holds only the served call.
      expect(result?.attempts.map((a) => a.outcome)).toEqual(['ok']);
      expect(fake.calls('openai', 'gpt-4o')).toBe(2);
    } finally {
      redis.disconnect();
      await ladder.close();
    }
  });
});
