import { afterEach, describe, expect, it } from 'vitest';
import { initialRecord } from '../../src/jobs/records.js';
import { recordBullmqFailure } from '../../src/workers/level-worker.js';
import { loopHarness, type LoopHarness } from './loop-harness.js';

let h: LoopHarness;
afterEach(async () => h.close());

describe('a job BullMQ fails on its own (stalled too often, or an unexpected throw)', () => {
  it('ends its record as failed and reaches the finished hook, so the stats count it', async () => {
    h = await loopHarness();
    const level = h.level('full');
    const meta = { entry_level: 1, floor: 5, enqueued_at: h.clock.now() };
    await h.results.claim(initialRecord({ id: 'j1', job: {}, meta, level, status: 'active' }));
    await recordBullmqFailure(
      h.ctx,
      level,
      { processedOn: h.clock.now() },
      'j1',
      new Error('job stalled more than allowable limit'),
    );
    const record = await h.results.get('j1');
    expect(record).toMatchObject({ status: 'failed', level: 1 });
    expect(record?.error?.message).toMatch(/the job failed in the worker: job stalled/);
    expect(h.finished.map((r) => [r.id, r.status])).toEqual([['j1', 'failed']]);
  });

  it('keeps a record the ladder had already finished, and does not count it twice', async () => {
    h = await loopHarness();
    const level = h.level('full');
    const meta = { entry_level: 1, floor: 5, enqueued_at: h.clock.now() };
    await h.results.claim(initialRecord({ id: 'j2', job: {}, meta, level, status: 'active' }));
    await recordBullmqFailure(
      h.ctx,
      level,
      { processedOn: h.clock.now() },
      'j2',
      new Error('first'),
    );
    await recordBullmqFailure(
      h.ctx,
      level,
      { processedOn: h.clock.now() },
      'j2',
      new Error('again'),
    );
    expect((await h.results.get('j2'))?.error?.message).toMatch(/first/);
    expect(h.finished).toHaveLength(1);
  });
});
