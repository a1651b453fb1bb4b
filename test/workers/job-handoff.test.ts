import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { bullJobId } from '../../src/jobs/bull-job-id.js';
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
