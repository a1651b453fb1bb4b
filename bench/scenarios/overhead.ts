import { size } from '../harness/options.js';
import type { Row } from '../harness/report.js';
import { alternate, type Scenario } from '../harness/scenario.js';
import { bareSide, drainOnce, ladderSide, type DrainSide } from '../harness/sides.js';
import { summarise } from '../harness/stats.js';

interface Case {
  concurrency: number;
  processes: number;
  latencyMs: number;
  jobs: number;
}

/**
 * Orchestration overhead: drain rate of pre-filled jobs through one LLM level on the simulated
 * provider, against bare BullMQ with a processor that does the same (nothing, or sleeps as long).
 */
export const overhead: Scenario = {
  name: 'overhead',
  async run(ctx) {
    const full: Case[] = [
      { concurrency: 1, processes: 1, latencyMs: 0, jobs: 2_000 },
      { concurrency: 16, processes: 1, latencyMs: 0, jobs: 8_000 },
      { concurrency: 64, processes: 1, latencyMs: 0, jobs: 8_000 },
      { concurrency: 1, processes: 2, latencyMs: 0, jobs: 3_000 },
      { concurrency: 16, processes: 2, latencyMs: 0, jobs: 8_000 },
      { concurrency: 64, processes: 2, latencyMs: 0, jobs: 8_000 },
      { concurrency: 64, processes: 1, latencyMs: 50, jobs: 4_000 },
    ];
    const quick: Case[] = [
      { concurrency: 16, processes: 1, latencyMs: 0, jobs: 300 },
      { concurrency: 64, processes: 2, latencyMs: 0, jobs: 300 },
      { concurrency: 64, processes: 1, latencyMs: 50, jobs: 300 },
    ];
    const rows: Row[] = [];
    for (const c of size(ctx.options, full, quick)) {
      const spec = {
        url: ctx.url,
        concurrency: c.concurrency,
        processes: c.processes,
        latencyMs: c.latencyMs,
      };
      const sides: Record<'ladder' | 'bare', DrainSide> = {
        ladder: await ladderSide(spec),
        bare: await bareSide(spec),
      };
      try {
        // A short untimed drain first: JIT warm-up and connections, on both sides alike.
        for (const side of Object.values(sides)) await drainOnce(side, Math.min(500, c.jobs));
        const runs = await alternate(ctx.options.reps, async (name) => {
          const run = await drainOnce(sides[name], c.jobs);
          if (run.completed !== c.jobs)
            throw new Error(`bench: ${name} completed ${run.completed} of ${c.jobs} jobs`);
          ctx.log(
            `  ${name} c=${c.concurrency} p=${c.processes} latency=${c.latencyMs}: ${Math.round(run.jobsPerS)} jobs/s`,
          );
          return run.jobsPerS;
        });
        const label = `c=${c.concurrency}, ${c.processes} proc${c.processes > 1 ? 's' : ''}${c.latencyMs ? `, ${c.latencyMs} ms latency` : ''}`;
        rows.push({
          scenario: 'overhead',
          id: `overhead.c${c.concurrency}.p${c.processes}.l${c.latencyMs}`,
          name: `drain ${label}`,
          unit: 'jobs/s',
          ladder: summarise(runs.ladder),
          bare: summarise(runs.bare),
          compare: 'ratio',
          note: c.latencyMs
            ? `ceiling ${Math.round((c.concurrency * c.processes * 1000) / c.latencyMs)}/s`
            : `${c.jobs} jobs`,
        });
      } finally {
        await Promise.all([sides.ladder.close(), sides.bare.close()]);
      }
    }
    return rows;
  },
};
