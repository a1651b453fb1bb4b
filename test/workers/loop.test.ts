import { DelayedError, UnrecoverableError, WaitingError } from 'bullmq';
import type { Quota } from '../../src/quota/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobResult } from '../../src/ladder/result.js';
import { processJob } from '../../src/workers/process-job.js';
import {
  bullJob,
  loopConfig,
  loopHarness,
  providerError,
  type LoopHarness,
} from './loop-harness.js';

/**
 * The core loop at one level, without Redis and without sleeping: memory breakers and result
 * store, scripted providers, a clock whose sleeps pass at once.
 */
let h: LoopHarness;
afterEach(async () => h.close());

/** Runs one job at `at`; `later` moves the clock between the enqueue and the run. */
async function run(input: Record<string, unknown> = {}, at = 'full', later = 0) {
  const job = bullJob(h, input, at);
  h.clock.t += later;
  const summary = await processJob(h.ctx, h.level(at), job).catch((e: unknown) => e);
  const record = (await h.results.get(
    typeof input.id === 'string' ? input.id : 'job-1',
  )) as JobResult;
  return { summary, record, job, trail: record.attempts.map(entry) };
}

/** One trail entry as `level target outcome`, for whole-trail assertions. */
function entry(a: JobResult['attempts'][number]): string {
  const where = a.provider ? `${a.provider}/${a.model}` : a.level_name;
  const what =
    a.outcome === 'ok'
      ? 'ok'
      : a.outcome === 'error'
        ? `${a.class} ${a.status ?? ''}`.trim()
        : a.reason;
  return `${where} ${what}`;
}

describe('processJob at one level', () => {
  it('serves on the first call: final record, cost, cache entry and the finished hook', async () => {
    h = await loopHarness();
    const { summary, record, trail } = await run();
    expect(summary).toEqual({ status: 'completed', level: 1 });
    expect(record).toMatchObject({
      status: 'completed',
      provider: 'openai',
      model: 'big',
      cost_usd: 0.5,
    });
    expect(trail).toEqual(['openai/big ok']);
    expect(h.results.cacheWrites).toHaveLength(1);
    expect(h.finished.map((r) => r.id)).toEqual(['job-1']);
    expect(h.clock.sleeps).toEqual([]);
  });

  it('retries a listed transient error on the same target after a backoff (the clock sleeps)', async () => {
    h = await loopHarness();
    h.openai.script('big', providerError({ status: 503 }), 'ok');
    const { summary, trail } = await run();
    expect(summary).toEqual({ status: 'completed', level: 1 });
    expect(trail).toEqual(['openai/big transient 503', 'openai/big ok']);
    expect(h.clock.sleeps).toEqual([100]);
  });

  it('waits exactly the Retry-After the provider asked for', async () => {
    h = await loopHarness();
    h.openai.script('big', providerError({ status: 429, retryAfterMs: 700 }), 'ok');
    const { trail } = await run();
    expect(trail).toEqual(['openai/big transient 429', 'openai/big ok']);
    expect(h.clock.sleeps).toEqual([700]);
  });

  it('a Retry-After above the cap moves to the next target at once', async () => {
    h = await loopHarness(loopConfig({ retry_after_cap_ms: 1_000 }));
    h.openai.script('big', providerError({ status: 429, retryAfterMs: 5_000 }));
    const { record, trail } = await run();
    expect(trail).toEqual(['openai/big transient 429', 'google/big ok']);
    expect(record.provider).toBe('google');
    expect(h.clock.sleeps).toEqual([]);
  });

  it('an error not worth retrying goes to the next target; retries end at max_retries', async () => {
    h = await loopHarness();
    h.openai.script('big', providerError({ status: 400, errorClass: 'context_length' }));
    expect((await run({ id: 'a' })).trail).toEqual([
      'openai/big context_length 400',
      'google/big ok',
    ]);
    h.openai.script('big', providerError({ status: 503 }));
    const { trail } = await run({ id: 'b' });
    expect(trail).toEqual([
      'openai/big transient 503',
      'openai/big transient 503',
      'openai/big transient 503',
      'google/big ok',
    ]);
  });

  it('an answer that fails its output check goes to the next target', async () => {
    h = await loopHarness();
    h.openai.script('big', 'not json');
    h.google.script('big', '{"a":1}');
    const { record, trail } = await run({
      request: {
        messages: [{ role: 'user', content: 'hi' }],
        response_format: { type: 'json_object' },
      },
    });
    expect(trail).toEqual(['openai/big invalid_output', 'google/big ok']);
    expect(record.output?.parsed).toEqual({ a: 1 });
  });

  it('an open breaker skips its target without a call', async () => {
    h = await loopHarness();
    await h.breakers.force('openai/big', 'open');
    const { trail } = await run();
    expect(trail).toEqual(['openai/big breaker_open', 'google/big ok']);
    expect(h.openai.calls).toEqual([]);
  });

  it('a level that cannot serve moves the job down: record queued at the next level, job added there', async () => {
    h = await loopHarness(loopConfig({ max_retries: 0 }));
    h.openai.script('big', providerError({ status: 503 }));
    h.google.script('big', providerError({ status: 503 }));
    h.down.set('reduced', 'down');
    const { summary, record, trail } = await run();
    expect(summary).toEqual({ status: 'rerouted', to: 3 });
    expect(record).toMatchObject({ status: 'queued', level: 3, level_name: 'cached' });
    expect(trail).toEqual([
      'openai/big transient 503',
      'google/big transient 503',
      'reduced level_down',
    ]);
    expect(h.added.map((a) => a.queue)).toEqual(['cached']);
    expect(h.finished).toEqual([]);
  });

  it('at its floor the job fails with every attempt named', async () => {
    h = await loopHarness(loopConfig({ max_retries: 0 }));
    h.openai.script('big', providerError({ status: 503 }));
    h.google.script('big', providerError({ status: 503 }));
    const { summary, record } = await run({ floor: 'full' });
    expect(summary).toBeInstanceOf(UnrecoverableError);
    expect(record).toMatchObject({ status: 'failed', error: { class: 'transient' } });
    expect(record.error?.message).toMatch(
      /^no level down to the floor \(1\) could serve the job: /,
    );
    expect(h.added).toEqual([]);
  });

  it('a deadline passed during the walk stops the calls; the job may still take an instant answer below', async () => {
    h = await loopHarness();
    h.openai.script('big', () => {
      h.clock.t += 5_000;
      throw providerError({ status: 503 });
    });
    const { summary, trail } = await run({ deadline_ms: 1_000 });
    expect(summary).toEqual({ status: 'rerouted', to: 3 });
    expect(trail).toEqual(['openai/big transient 503', 'reduced deadline']);
    expect(h.google.calls).toEqual([]);
  });

  it('a job already past its deadline makes no call', async () => {
    h = await loopHarness();
    const { summary, trail } = await run({ deadline_ms: 1_000, floor: 'full' }, 'full', 2_000);
    expect(summary).toBeInstanceOf(UnrecoverableError);
    expect(trail).toEqual(['full deadline']);
    expect(h.openai.calls).toEqual([]);
  });

  it('a caller error fails the job at once', async () => {
    h = await loopHarness();
    h.openai.script('big', providerError({ status: 400, errorClass: 'caller' }));
    const { summary, record } = await run();
    expect(summary).toBeInstanceOf(UnrecoverableError);
    expect(record).toMatchObject({ status: 'failed', error: { class: 'caller' } });
    expect(h.google.calls).toEqual([]);
  });

  it('a run superseded by another that finished the job stops before its next call', async () => {
    h = await loopHarness();
    h.openai.script('big', async () => {
      const record = (await h.results.get('job-1')) as JobResult;
      await h.results.write({ ...record, status: 'completed' });
      throw providerError({ status: 503 });
    });
    const { summary } = await run();
    expect(summary).toEqual({ status: 'skipped', why: 'another run made the result completed' });
    expect(h.openai.calls).toEqual(['big']);
  });

  it('a cancelled job is not run, and one cancelled mid-walk makes no further call', async () => {
    h = await loopHarness();
    await h.results.claim({
      id: 'gone',
      status: 'cancelled',
      level: 1,
      level_name: 'full',
      entry_level: 1,
      floor: 4,
      attempts: [],
      timing: { enqueued_at: new Date(h.clock.now()).toISOString() },
    });
    expect((await run({ id: 'gone' })).summary).toEqual({
      status: 'skipped',
      why: 'already cancelled',
    });
    expect(h.openai.calls).toEqual([]);
    h.openai.script('big', async () => {
      const record = (await h.results.get('late')) as JobResult;
      await h.results.write({ ...record, status: 'cancelled' });
      throw providerError({ status: 503 });
    });
    const late = await run({ id: 'late' });
    expect(late.summary).toEqual({
      status: 'skipped',
      why: 'another run made the result cancelled',
    });
    expect(late.record.status).toBe('cancelled');
  });

  it('a shutdown cutting the call puts the job back on its queue with the trail so far', async () => {
    h = await loopHarness();
    h.openai.script('big', providerError({ status: 503 }), () => {
      h.shutdown.abort();
      throw providerError({ kind: 'aborted' });
    });
    const { summary, record, job, trail } = await run();
    expect(summary).toBeInstanceOf(WaitingError);
    expect(job.moves).toEqual(['wait']);
    expect(record.status).toBe('queued');
    expect(trail).toEqual(['openai/big transient 503']);
  });

  it('a stale copy above the level its record names is added there again, not run', async () => {
    h = await loopHarness();
    await h.results.claim({
      id: 'job-1',
      status: 'queued',
      level: 2,
      level_name: 'reduced',
      entry_level: 1,
      floor: 4,
      attempts: [],
      timing: { enqueued_at: new Date(h.clock.now()).toISOString() },
    });
    const { summary } = await run();
    expect(summary).toEqual({ status: 'skipped', why: 'the job is at level 2 already' });
    expect(h.added.map((a) => a.queue)).toEqual(['reduced']);
    expect(h.openai.calls).toEqual([]);
  });
});

/** A quota scheduler that manages `google/big` only and answers every admission "wait". */
function waitingQuota(waitMs: number): Quota {
  return {
    managed: (target) => target === 'google/big',
    admit: async () => ({ kind: 'wait', waitMs, reason: 'rpm' }),
    settle: async () => 0,
    leave: async () => undefined,
    close: async () => undefined,
  };
}

describe('the quota gate in the loop', () => {
  it('a wait it can afford parks the job delayed, its record keeping the attempts made at this level', async () => {
    h = await loopHarness(loopConfig({ max_retries: 0 }));
    h.ctx.quota = waitingQuota(500);
    h.openai.script('big', providerError({ status: 503 }));
    const { summary, record, job, trail } = await run();
    expect(summary).toBeInstanceOf(DelayedError);
    expect(job.moves).toEqual(['updateData', 'delayed until +500']);
    expect(record.status).toBe('queued');
    expect(trail).toEqual(['openai/big transient 503']);
    expect(h.google.calls).toEqual([]);
  });

  it('a wait beyond the cap skips the target with reason quota', async () => {
    h = await loopHarness(loopConfig({ max_retries: 0, retry_after_cap_ms: 1_000 }));
    h.ctx.quota = waitingQuota(5_000);
    h.openai.script('big', providerError({ status: 503 }));
    const { summary, trail } = await run();
    expect(summary).toEqual({ status: 'rerouted', to: 2 });
    expect(trail).toEqual(['openai/big transient 503', 'google/big quota']);
  });
});
