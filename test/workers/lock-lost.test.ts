import { describe, expect, it } from 'vitest';
import { redisSource } from '../../src/config/types.js';
import { bullJobId } from '../../src/jobs/bull-job-id.js';
import type { JobResult } from '../../src/ladder/result.js';
import { connectRedis, createRedis } from '../../src/util/redis.js';
import { ok, status, type Behaviour, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { job, startTestLadder, testConfig } from '../helpers/ladder.js';

let fake: FakeProvider;
withFakeProvider((f) => (fake = f));

const HOLDER = 'from the run that holds the job';

/**
 * Runs one job whose first call behaves as `first`; once that call has reached the provider, the
 * job's lock is taken from the run, as a takeover leaves it (another token, lapsing after
 * `takenForMs`, when the job is stalled and handed out again). The second call answers HOLDER. Answers the
 * final record and the provider calls made.
 */
async function loseLockDuring(
  first: Behaviour,
  callTimeoutMs = 1_500,
  takenForMs = 2_500,
): Promise<{ result: JobResult | null; calls: number }> {
  const config = testConfig(
    {
      providers: { openai: { timeout_ms: callTimeoutMs } },
      levels: [{ name: 'full', targets: ['openai/gpt-4o'] }],
      fallback: { max_retries: 2 },
      worker: { lock_duration_ms: 5_000, stalled_interval_ms: 300 },
    },
    fake,
  );
  fake.reset();
  fake.script('openai', 'gpt-4o', first, ok(HOLDER));
  const ladder = await startTestLadder(config);
  const redis = createRedis(redisSource(config.redis), 'producer');
  try {
    await connectRedis(redis, 10_000);
    const { id } = await ladder.ops.enqueue(job('lose the lock'));
    await expect.poll(() => fake.calls('openai', 'gpt-4o'), { timeout: 10_000 }).toBe(1);
    // BullMQ's lock key: the test fails here, not silently, if BullMQ ever names it otherwise.
    const lock = `${config.redis.prefix}:full:${bullJobId(id)}:lock`;
    expect(await redis.get(lock)).not.toBeNull();
    await redis.set(lock, 'another-run', 'PX', takenForMs);
    const result = await ladder.ops.result(id, { timeoutMs: 20_000 });
    return { result, calls: fake.calls('openai', 'gpt-4o') };
  } finally {
    redis.disconnect();
    await ladder.close();
  }
}

describe('a run that lost its BullMQ lock', () => {
  // A worker starved of CPU past its lock duration loses the job to BullMQ's stalled check while
  // its run goes on; the fault suite saw such a run retry a provider after the run that took the
  // job over had made the result final, and a run's answer made final while the run holding the
  // job was about to call.
  it('makes no further provider call; the run that holds the job next serves it', async () => {
    // The first call hangs until its 1.5 s timeout, then the run would retry.
    const { result, calls } = await loseLockDuring({ kind: 'hang' });
    expect(result).toMatchObject({ status: 'completed', output: { text: HOLDER } });
    // It wrote nothing and did not retry: the record holds only the holder's call.
    expect(result?.attempts.map((a) => a.outcome)).toEqual(['ok']);
    expect(calls).toBe(2);
  });

  it('writes no final record with the answer it got: the holder answers (fused completion)', async () => {
    const { result, calls } = await loseLockDuring({
      ...ok('from the run that lost it'),
      delayMs: 1_000,
    });
    expect(result).toMatchObject({ status: 'completed', output: { text: HOLDER } });
    expect(result?.attempts.map((a) => a.outcome)).toEqual(['ok']);
    expect(calls).toBe(2);
  });

  it('writes no failure either: the holder answers (a record written apart from the completion)', async () => {
    // A caller error three seconds in, past half the lock duration and while the other token still
    // holds the lock: the run asks before it writes.
    const { result, calls } = await loseLockDuring(
      { ...status(400), delayMs: 3_000 },
      10_000,
      4_500,
    );
    expect(result).toMatchObject({ status: 'completed', output: { text: HOLDER } });
    expect(result?.attempts.map((a) => a.outcome)).toEqual(['ok']);
    expect(calls).toBe(2);
  });
});
