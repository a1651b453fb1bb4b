import { size } from '../harness/options.js';
import { startCounting, type CommandCount } from '../harness/redis.js';
import type { Row } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { bareSide, ladderSide, type DrainSide } from '../harness/sides.js';
import { summarise, until } from '../harness/stats.js';

interface Profile {
  enqueue: CommandCount;
  work: CommandCount;
}

async function profileSide(url: string, side: DrainSide, jobs: number): Promise<Profile> {
  await side.pause();
  // Enqueue: every connection counts (the producer is what is measured).
  const enqueueCount = await startCounting(url, []);
  const ids = await side.fill(jobs);
  const enqueue = await enqueueCount.stop();
  // Work: the bench's own connection (resume, progress polls) is left out.
  const workCount = await startCounting(url, side.ownConnections);
  await side.resume();
  // Drained means every job has its completed record, not merely an empty wait list: a job can
  // sit in another state (prioritized, delayed, paused) while wait and active read zero.
  try {
    await until(async () => (await side.completed(ids)) === jobs, {
      timeoutMs: 120_000,
      everyMs: 100,
      what: 'profile drain',
    });
  } catch (error) {
    const counts = await side.queue.getJobCounts();
    const done = await side.completed(ids);
    throw new Error(
      `bench: ${side.kind} profile run completed ${done}/${jobs} jobs; queue counts ${JSON.stringify(counts)}`,
      { cause: error },
    );
  }
  const work = await workCount.stop();
  return { enqueue, work };
}

function top(count: CommandCount, jobs: number, n: number): string {
  return [...count.byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, calls]) => `${name} ${(calls / jobs).toFixed(2)}`)
    .join(', ');
}

/**
 * Redis commands per job, counted with MONITOR: those clients send (each a request on the wire;
 * a pipeline or MULTI sends several per round trip) and those run inside Lua scripts.
 */
export const profile: Scenario = {
  name: 'profile',
  async run(ctx) {
    const jobs = size(ctx.options, 2_000, 200);
    const spec = { url: ctx.url, concurrency: 16, processes: 1, latencyMs: 0 };
    const profiles: Partial<Record<'ladder' | 'bare', Profile>> = {};
    for (const make of [ladderSide, bareSide]) {
      const side = await make(spec);
      try {
        await side.pause();
        const warm = await side.fill(200);
        await side.resume();
        await until(async () => (await side.completed(warm)) === warm.length, {
          timeoutMs: 60_000,
          what: 'warm-up',
        });
        profiles[side.kind] = await profileSide(ctx.url, side, jobs);
      } finally {
        await side.close();
      }
    }
    const { ladder, bare } = profiles;
    if (!ladder || !bare) throw new Error('bench: profile incomplete');
    ctx.log(`  ladder worker per job: ${top(ladder.work, jobs, 12)}`);
    ctx.log(`  bare worker per job: ${top(bare.work, jobs, 6)}`);
    const row = (id: string, name: string, pick: (p: Profile) => number, note?: string): Row => ({
      scenario: 'profile',
      id: `profile.${id}`,
      name,
      unit: 'cmds/job',
      ladder: summarise([pick(ladder) / jobs]),
      bare: summarise([pick(bare) / jobs]),
      compare: 'diff',
      note,
    });
    return [
      row(
        'work.client',
        'worker: commands sent',
        (p) => p.work.client,
        `ladder: ${top({ ...ladder.work, byName: new Map([...ladder.work.byName].filter(([k]) => !k.startsWith('lua:'))) }, jobs, 6)}`,
      ),
      row('work.lua', 'worker: commands inside Lua', (p) => p.work.lua),
      row('enqueue.client', 'enqueueMany vs addBulk: commands sent', (p) => p.enqueue.client),
      row('enqueue.lua', 'enqueueMany vs addBulk: commands inside Lua', (p) => p.enqueue.lua),
    ];
  },
};
