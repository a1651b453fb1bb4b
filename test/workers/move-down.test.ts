import { afterEach, describe, expect, it } from 'vitest';
import type { JobResult } from '../../src/ladder/result.js';
import { moveDown, planMoveDown, type JobAtLevel } from '../../src/workers/move-down.js';
import { sweepLevel, type SweptJob, type SweptQueue } from '../../src/workers/sweep-level.js';
import { bullJobId } from '../../src/jobs/bull-job-id.js';
import { loopHarness, type LoopHarness } from './loop-harness.js';

let h: LoopHarness;
afterEach(async () => h.close());

function record(status: JobResult['status'], level = 1, id = 'job-1'): JobResult {
  const names = ['full', 'reduced', 'cached', 'static'];
  return {
    id,
    status,
    level,
    level_name: names[level - 1] ?? 'full',
    entry_level: 1,
    floor: 4,
    attempts: [],
    timing: { enqueued_at: new Date(h.clock.now()).toISOString() },
  };
}

function atLevel(over: Partial<JobAtLevel> = {}): JobAtLevel {
  return {
    level: h.level('full'),
    job: { request: { messages: [{ role: 'user', content: 'hi' }] } },
    meta: { entry_level: 1, floor: 4, enqueued_at: h.clock.now() },
    record: record('active'),
    trail: [],
    startedAtMs: h.clock.now(),
    deadlineAt: null,
    ...over,
  };
}

describe('moving a job down', () => {
  it('plans the next level that takes jobs, naming each one passed over', async () => {
    h = await loopHarness();
    h.down.set('reduced', 'paused');
    const plan = planMoveDown(h.ctx, atLevel());
    expect(plan.to?.name).toBe('cached');
    expect(plan.skipped.map((a) => `${a.level_name} ${a.outcome} ${a.reason}`)).toEqual([
      'reduced skipped level_down',
    ]);
  });

  it('never plans below the floor, and past the deadline passes over every LLM level', async () => {
    h = await loopHarness();
    expect(
      planMoveDown(h.ctx, atLevel({ meta: { entry_level: 1, floor: 1, enqueued_at: 0 } })).to,
    ).toBeNull();
    const late = planMoveDown(h.ctx, atLevel({ deadlineAt: h.clock.now() }));
    expect(late).toMatchObject({ pastDeadline: true, to: { name: 'cached' } });
    expect(late.skipped.map((a) => a.reason)).toEqual(['deadline']);
  });

  it('moves the record first, then adds the job to the next queue without its prefer', async () => {
    h = await loopHarness();
    await h.results.claim(record('active'));
    const moved = await moveDown(h.ctx, {
      ...atLevel({ meta: { entry_level: 1, floor: 4, enqueued_at: 0, prefer: 'google/big' } }),
      requireStatus: 'active',
    });
    expect(moved).toEqual({ status: 'rerouted', to: 2 });
    expect(await h.results.get('job-1')).toMatchObject({ status: 'queued', level: 2 });
    expect(h.added).toHaveLength(1);
    expect(h.added[0]).toMatchObject({ queue: 'reduced', options: { jobId: bullJobId('job-1') } });
    expect(JSON.stringify(h.added[0]?.data)).not.toContain('prefer');
  });

  it('moves nothing when the record changed under it (another process took the job)', async () => {
    h = await loopHarness();
    await h.results.claim(record('active'));
    const moved = await moveDown(h.ctx, { ...atLevel(), requireStatus: 'queued' });
    expect(moved).toEqual({ status: 'skipped', why: 'the record became active' });
    expect(h.added).toEqual([]);
  });

  it('fails the job at its floor, deadline first among the reasons', async () => {
    h = await loopHarness();
    await h.results.claim(record('active'));
    const moved = await moveDown(h.ctx, {
      ...atLevel({ meta: { entry_level: 1, floor: 2, enqueued_at: 0 }, deadlineAt: h.clock.now() }),
      requireStatus: 'active',
    });
    expect(moved).toMatchObject({ status: 'failed', level: 1 });
    expect(await h.results.get('job-1')).toMatchObject({
      status: 'failed',
      error: { class: 'deadline' },
    });
    expect(h.finished).toHaveLength(1);
  });
});

/** A level's queue holding some waiting jobs. */
function queueOf(jobs: SweptJob[]): SweptQueue {
  return { getJobs: async (types) => (types.includes('waiting') ? jobs : []) };
}

function waiting(id: string, data: Record<string, unknown> = {}): SweptJob {
  const job: SweptJob = {
    id: bullJobId(id),
    data: { id, request: { messages: [{ role: 'user', content: 'hi' }] }, ...data },
    timestamp: 0,
    queueName: 'full',
    remove: async () => undefined,
  };
  return job;
}

describe('the sweep of a down level', () => {
  it('moves each waiting job down, keeping its trail, and removes it from the level', async () => {
    h = await loopHarness();
    const removed: string[] = [];
    const jobs = ['a', 'b'].map((id) => ({
      ...waiting(id),
      remove: async () => {
        removed.push(id);
      },
    }));
    await h.results.claim(record('queued', 1, 'a'));
    const swept = await sweepLevel(h.ctx, h.level('full'), queueOf(jobs));
    expect(swept).toBe(2);
    expect(removed).toEqual(['a', 'b']);
    expect(h.added.map((a) => a.queue)).toEqual(['reduced', 'reduced']);
    const a = await h.results.get('a');
    expect(a).toMatchObject({ status: 'queued', level: 2 });
    expect(a?.attempts.map((x) => `${x.level_name} ${x.reason}`)).toEqual(['full level_down']);
    // A raw job with no record yet gets one as it moves.
    expect(await h.results.get('b')).toMatchObject({ status: 'queued', level: 2 });
  });

  it('leaves a job a worker holds, re-adds a stale copy further down, and leaves an invalid job', async () => {
    h = await loopHarness();
    await h.results.claim(record('active', 1, 'held'));
    await h.results.claim(record('queued', 3, 'stale'));
    const swept = await sweepLevel(
      h.ctx,
      h.level('full'),
      queueOf([waiting('held'), waiting('stale'), waiting('bad', { request: 'nothing' })]),
    );
    expect(swept).toBe(1);
    expect(h.added.map((a) => a.queue)).toEqual(['cached']);
    expect(await h.results.get('held')).toMatchObject({ status: 'active', level: 1 });
    expect(await h.results.get('bad')).toBeNull();
  });
});
