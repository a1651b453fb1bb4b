import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { summariseProfiles, type ProfileWindow } from '../harness/cpu-profile.js';
import { size } from '../harness/options.js';
import type { Row } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import {
  bareSide,
  drainOnce,
  ladderSide,
  type DrainSide,
  type SideSpec,
} from '../harness/sides.js';
import { summarise } from '../harness/stats.js';

const PROFILE_ROOT = resolve(import.meta.dirname, '../tmp');

/** Worker CPU (user + system) per job over one drain of `jobs` pre-filled jobs. */
async function cpuPerJob(side: DrainSide, jobs: number): Promise<number> {
  const before = side.children.reduce((sum, c) => sum + c.cpuMs(), 0);
  const run = await drainOnce(side, jobs);
  if (run.completed !== jobs)
    throw new Error(`bench: ${side.kind} completed ${run.completed} of ${jobs} jobs`);
  return (side.children.reduce((sum, c) => sum + c.cpuMs(), 0) - before) / jobs;
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** CPU ms per job after a warm-up drain, and when (monotonic µs) the measured drain ran. */
async function measured(
  make: (spec: SideSpec) => Promise<DrainSide>,
  spec: SideSpec,
  jobs: number,
): Promise<{ msPerJob: number; window: ProfileWindow }> {
  const side = await make(spec);
  try {
    await drainOnce(side, Math.min(500, jobs)); // JIT warm-up and connections
    const fromUs = nowUs();
    const msPerJob = await cpuPerJob(side, jobs);
    return { msPerJob, window: { fromUs, toUs: nowUs() } };
  } finally {
    await side.close();
  }
}

/**
 * Where a worker's CPU goes: CPU ms per job for a ladder and a bare BullMQ worker on the no-op
 * provider (a figure the machine's load changes far less than a drain rate), then one ladder
 * drain under `--cpu-prof` whose hottest frames are printed. Run it alone:
 * `npm run bench -- --only=cpu`.
 */
export const cpu: Scenario = {
  name: 'cpu',
  async run(ctx) {
    const jobs = size(ctx.options, 10_000, 1_000);
    const spec: SideSpec = { url: ctx.url, concurrency: 16, processes: 1, latencyMs: 0 };
    const ladder = (await measured(ladderSide, spec, jobs)).msPerJob;
    const bare = (await measured(bareSide, spec, jobs)).msPerJob;
    ctx.log(`  worker CPU per job: ladder ${ladder.toFixed(3)} ms, bare ${bare.toFixed(3)} ms`);

    mkdirSync(PROFILE_ROOT, { recursive: true });
    const dir = mkdtempSync(join(PROFILE_ROOT, 'cpu-prof-'));
    const profiled = await measured(
      ladderSide,
      { ...spec, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] },
      jobs,
    );
    const summary = summariseProfiles(dir, Number(process.env.BENCH_FRAMES ?? 25), profiled.window);
    const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;
    ctx.log(
      `  ladder worker profile (measured drain only, ${dir}): idle ${pct(summary.idle)}; self time by place:`,
    );
    for (const p of summary.places) ctx.log(`    ${pct(p.share).padStart(6)}  ${p.frame}`);
    ctx.log('  hottest frames:');
    for (const f of summary.frames) ctx.log(`    ${pct(f.share).padStart(6)}  ${f.frame}`);

    const row: Row = {
      scenario: 'cpu',
      id: 'cpu.per_job',
      name: `worker CPU per job, no-op provider, c=16 (${jobs.toLocaleString('en-US')} jobs)`,
      unit: 'ms',
      ladder: summarise([ladder]),
      bare: summarise([bare]),
      compare: 'ratio',
    };
    return [row];
  },
};
