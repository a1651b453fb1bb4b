import { size } from '../harness/options.js';
import type { Row } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { bareSide, drainOnce, ladderSide, type DrainSide } from '../harness/sides.js';
import { summarise } from '../harness/stats.js';

const CONCURRENCY = 64;
const BATCH = 5_000;

/** Feeds a worker process `total` jobs in batches; answers its RSS (MB) after each checkpoint. */
async function feed(
  side: DrainSide,
  checkpoints: readonly number[],
  batch: number,
): Promise<number[]> {
  const child = side.children[0];
  if (!child) throw new Error('bench: no worker process');
  const rss: number[] = [];
  let served = 0;
  for (const checkpoint of checkpoints) {
    while (served < checkpoint) {
      const n = Math.min(batch, checkpoint - served);
      const run = await drainOnce(side, n);
      if (run.completed !== n)
        throw new Error(`bench: ${side.kind} completed ${run.completed} of ${n}`);
      served += n;
    }
    rss.push(child.rssKb() / 1024);
  }
  return rss;
}

/** Resident memory of one worker process at concurrency 64 after 10,000 and after 100,000 jobs. */
export const memory: Scenario = {
  name: 'memory',
  async run(ctx) {
    const checkpoints = size(ctx.options, [10_000, 100_000], [500, 2_000]);
    const batch = size(ctx.options, BATCH, 500);
    const spec = { url: ctx.url, concurrency: CONCURRENCY, processes: 1, latencyMs: 0 };
    const rows: Row[] = [];
    const figures: Record<'ladder' | 'bare', number[]> = { ladder: [], bare: [] };
    // One run per side: memory is a level, not a rate, and 100,000 jobs take the longest of any scenario.
    for (const make of [ladderSide, bareSide]) {
      const side = await make(spec);
      try {
        figures[side.kind] = await feed(side, checkpoints, batch);
        ctx.log(
          `  ${side.kind}: RSS ${figures[side.kind].map((mb) => `${mb.toFixed(1)} MB`).join(' → ')}`,
        );
      } finally {
        await side.close();
      }
    }
    checkpoints.forEach((checkpoint, i) => {
      rows.push({
        scenario: 'memory',
        id: `memory.rss.${i}`,
        name: `worker RSS after ${checkpoint.toLocaleString('en-US')} jobs, c=${CONCURRENCY}`,
        unit: 'MB',
        ladder: summarise([figures.ladder[i] ?? Number.NaN]),
        bare: summarise([figures.bare[i] ?? Number.NaN]),
        compare: 'diff',
      });
    });
    const growth = (list: number[]): number =>
      (list.at(-1) ?? Number.NaN) - (list[0] ?? Number.NaN);
    rows.push({
      scenario: 'memory',
      id: 'memory.growth',
      name: `RSS growth from ${checkpoints[0]?.toLocaleString('en-US')} to ${checkpoints.at(-1)?.toLocaleString('en-US')} jobs`,
      unit: 'MB',
      ladder: summarise([growth(figures.ladder)]),
      bare: summarise([growth(figures.bare)]),
      compare: 'diff',
    });
    return rows;
  },
};
