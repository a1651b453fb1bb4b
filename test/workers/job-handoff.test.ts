import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { bullJobId } from '../../src/jobs/bull-job-id.js';
import { JOB_NAME } from '../../src/jobs/queues.js';
import { initialRecord } from '../../src/jobs/records.js';
import { job, startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';

let ladder: TestLadder | undefined;
let queue: Queue | undefined;
afterEach(async () => {
  await queue?.close();
  await ladder?.close();
  ladder = undefined;
  queue = undefined;
});

const config = (): ReturnType<typeof testConfig> =>
  testConfig({
    levels: [
      { name: 'full', targets: ['simulated/fast'] },
      { name: 'static', serve: 'static', message: 'limited' },
    ],
    providers: { simulated: { latency_ms: 0, failure_rate: 0 } },
    worker: { concurrency: 8 },
  });

async function start(finished: string[]): Promise<TestLadder> {
  const c = config();
  ladder = await startTestLadder(c, { observer: { jobFinished: (r) => finished.push(r.id) } });
  queue = new Queue('full', { connection: ladder.runtime.redis, prefix: c.redis.prefix });
  return ladder;
}

describe("a served job's final record goes in BullMQ's completion of the job (one Redis call)", () => {
  it('writes each record once, announces it, and completes each BullMQ job with its summary', async () => {
    const finished: string[] = [];
    const l = await start(finished);
    const ids = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => (await l.ops.enqueue(job(`q${i}`))).id),
    );
    for (const id of ids) {
      // ops.result waits on the announcement: a record not announced would time out here.
      const result = await l.ops.result(id, { timeoutMs: 10_000 });
      expect(result).toMatchObject({ id, status: 'completed', level: 1, source: 'llm' });
      const bull = await queue!.getJob(bullJobId(id));
      await expect.poll(() => bull!.getState()).toBe('completed');
      expect((await queue!.getJob(bullJobId(id)))?.returnvalue).toEqual({
        status: 'completed',
        level: 1,
      });
    }
    // The finished hook (stats, metrics) once per job, for the write that counted.
    await expect.poll(() => finished.length).toBe(ids.length);
    expect(new Set(finished)).toEqual(new Set(ids));
  });
});

describe('the claim made as BullMQ hands a job out', () => {
  it("claims only a job whose data names the id its BullMQ id carries: another id's record is left alone", async () => {
    const l = await start([]);
    const level = l.config.levels[0]!;
    // X's record, queued at level 1 with no job of its own yet: a claim would mark it active.
    const meta = { entry_level: 1, floor: 2, enqueued_at: Date.now() };
    await l.ops.results.claim(initialRecord({ id: 'x1', job: {}, meta, level, status: 'queued' }));
    // A raw producer's job under X's BullMQ id whose data names Y.
    await queue!.add(JOB_NAME, { ...job('raw'), id: 'y1' }, { jobId: bullJobId('x1') });
    const y = await l.ops.result('y1', { timeoutMs: 10_000 });
    expect(y).toMatchObject({ id: 'y1', status: 'completed', level: 1 });
    expect(await l.ops.results.get('x1')).toMatchObject({ id: 'x1', status: 'queued', level: 1 });
  });

  it('serves a raw job under a ladder-style id that has no record yet (the record made then)', async () => {
    const l = await start([]);
    await queue!.add(JOB_NAME, { ...job('raw'), id: 'z1' }, { jobId: bullJobId('z1') });
    await queue!.add(JOB_NAME, job('raw, no id in its data'), { jobId: bullJobId('z2') });
    for (const id of ['z1', 'z2'])
      expect(await l.ops.result(id, { timeoutMs: 10_000 })).toMatchObject({
        id,
        status: 'completed',
        level: 1,
      });
  });

  it('leaves a job whose record is already final when BullMQ hands it out: no call, record kept', async () => {
    const l = await start([]);
    const level = l.config.levels[0]!;
    const meta = { entry_level: 1, floor: 2, enqueued_at: Date.now() };
    const done = {
      ...initialRecord({ id: 'f1', job: {}, meta, level, status: 'queued' }),
      status: 'completed' as const,
    };
    await l.ops.results.claim(done);
    await queue!.add(JOB_NAME, { ...job('again'), id: 'f1' }, { jobId: bullJobId('f1') });
    const bull = await queue!.getJob(bullJobId('f1'));
    await expect.poll(() => bull!.getState()).toBe('completed');
    expect((await queue!.getJob(bullJobId('f1')))?.returnvalue).toEqual({
      status: 'skipped',
      why: 'already completed',
    });
    expect(await l.ops.results.get('f1')).toEqual(done);
  });
});

describe("the queue's marker after BullMQ hands out the last job waiting", () => {
  it('loses its base entry then (no empty wake per job), keeps it while jobs wait, and every job is served', async () => {
    const c = testConfig({
      levels: [
        { name: 'full', targets: ['simulated/slow'] },
        { name: 'static', serve: 'static', message: 'limited' },
      ],
      // Long enough to look at the marker while the one job in flight is being served.
      providers: { simulated: { latency_ms: 1_500, failure_rate: 0 } },
      worker: { concurrency: 1 },
    });
    const l = (ladder = await startTestLadder(c));
    queue = new Queue('full', { connection: l.runtime.redis, prefix: c.redis.prefix });
    const marker = queue.keys.marker ?? 'no marker key';
    const base = (): Promise<string | null> => l.runtime.redis.zscore(marker, '0');
    const state = async (id: string): Promise<string | undefined> =>
      (await queue!.getJob(bullJobId(id)))?.getState();

    const a = (await l.ops.enqueue(job('a'))).id;
    await expect.poll(() => state(a)).toBe('active');
    // Handed out as the only job waiting: BullMQ's re-added base entry is gone.
    expect(await base()).toBeNull();
    const rest = [(await l.ops.enqueue(job('b'))).id, (await l.ops.enqueue(job('c'))).id];
    expect(await state(a)).toBe('active');
    // Jobs wait behind the busy worker: their adds' base entry stays for any worker to wake on.
    expect(await base()).toBe('0');
    for (const id of [a, ...rest])
      expect(await l.ops.result(id, { timeoutMs: 20_000 })).toMatchObject({
        id,
        status: 'completed',
        level: 1,
      });
    // The last one was handed out by the completion of the one before it.
    expect(await base()).toBeNull();
  });

  it('keeps its base entry when a job is delayed: an idle worker then re-reads when the delayed job is due', async () => {
    const c = testConfig({
      levels: [
        { name: 'full', targets: ['simulated/slow'] },
        { name: 'static', serve: 'static', message: 'limited' },
      ],
      // Long enough to look at the marker while the one job in flight is being served.
      providers: { simulated: { latency_ms: 3_000, failure_rate: 0 } },
      worker: { concurrency: 1 },
    });
    const l = (ladder = await startTestLadder(c));
    queue = new Queue('full', { connection: l.runtime.redis, prefix: c.redis.prefix });
    const marker = queue.keys.marker ?? 'no marker key';
    const entry = (member: string): Promise<string | null> =>
      l.runtime.redis.zscore(marker, member);
    const state = async (bullId: string): Promise<string | undefined> =>
      (await queue!.getJob(bullId))?.getState();

    // A job parked for later, as the quota gate parks one: BullMQ's delay entry ("1", scored with
    // its due time) wakes the idle worker, which keeps that time in memory and takes it out.
    const parked = bullJobId('parked');
    await queue.add(JOB_NAME, { ...job('parked'), id: 'parked' }, { jobId: parked, delay: 6_000 });
    await expect.poll(() => entry('1')).toBeNull();
    // The worker takes the only job waiting: its hand-out answer resets the time it kept.
    const a = (await l.ops.enqueue(job('a'))).id;
    await expect.poll(() => state(bullJobId(a))).toBe('active');
    expect(await state(parked)).toBe('delayed');
    // The base entry stays: the next idle wait wakes at once, and the empty moveToActive that
    // follows answers the parked job's due time. Without it no worker knew that time any more.
    expect(await entry('0')).toBe('0');
    for (const id of [a, 'parked'])
      expect(await l.ops.result(id, { timeoutMs: 20_000 })).toMatchObject({
        id,
        status: 'completed',
        level: 1,
      });
  });
});
