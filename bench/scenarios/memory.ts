import { size } from '../harness/options.js';
import type { Row } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { bareSide, drainOnce, ladderSide, type DrainSide } from '../harness/sides.js';
import { median, summarise } from '../harness/stats.js';

const CONCURRENCY = 64;
const BATCH = 5_000;

/** What one worker process's RSS (MB) was, after each checkpoint and after every batch past the first. */
interface Feed {
  checkpoints: number[];
  /** After every batch served past the first checkpoint: RSS follows V8's sawtooth between major
   * collections (tens of MB on a busy worker), so one sample says little; many say where it sits. */
  steady: number[];
}

/** Feeds a worker process `total` jobs in batches, reading its RSS after each. */
async function feed(side: DrainSide, checkpoints: readonly number[], batch: number): Promise<Feed> {
  const child = side.children[0];
  if (!child) throw new Error('bench: no worker process');
  const out: Feed = { checkpoints: [], steady: [] };
  let served = 0;
  for (const checkpoint of checkpoints) {
    while (served < checkpoint) {
      const n = Math.min(batch, checkpoint - served);
      const run = await drainOnce(side, n);
      if (run.completed !== n)
        throw new Error(`bench: ${side.kind} completed ${run.completed} of ${n}`);
      served += n;
      if (served > (checkpoints[0] ?? 0)) out.steady.push(child.rssKb() / 1024);
    }
    out.checkpoints.push(child.rssKb() / 1024);
  }
  return out;
}

const half = (list: readonly number[], which: 0 | 1): number[] => {
  const mid = Math.floor(list.length / 2);
  return which === 0 ? list.slice(0, mid) : list.slice(list.length - mid);
};

/** Resident memory of one worker process at concurrency 64 after 10,000 and after 100,000 jobs. */
export const memory: Scenario = {
  name: 'memory',
  async run(ctx) {
    const checkpoints = size(ctx.options, [10_000, 100_000], [500, 2_000]);
    const batch = size(ctx.options, BATCH, 500);
    const spec = { url: ctx.url, concurrency: CONCURRENCY, processes: 1, latencyMs: 0 };
    const rows: Row[] = [];
    const figures: Record<'ladder' | 'bare', Feed> = {
      ladder: { checkpoints: [], steady: [] },
      bare: { checkpoints: [], steady: [] },
    };
    // One run per side: memory is a level, not a rate, and 100,000 jobs take the longest of any scenario.
    for (const make of [ladderSide, bareSide]) {
      const side = await make(spec);
      try {
        figures[side.kind] = await feed(side, checkpoints, batch);
        ctx.log(
          `  ${side.kind}: RSS ${figures[side.kind].checkpoints.map((mb) => `${mb.toFixed(1)} MB`).join(' → ')}; every ${batch.toLocaleString('en-US')} jobs: ${figures[side.kind].steady.map((mb) => mb.toFixed(0)).join(' ')} MB`,
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
        ladder: summarise([figures.ladder.checkpoints[i] ?? Number.NaN]),
        bare: summarise([figures.bare.checkpoints[i] ?? Number.NaN]),
        compare: 'diff',
      });
    });
    const from = checkpoints[0]?.toLocaleString('en-US');
    const to = checkpoints.at(-1)?.toLocaleString('en-US');
    rows.push({
      scenario: 'memory',
      id: 'memory.rss.steady',
      name: `worker RSS sampled every ${batch.toLocaleString('en-US')} jobs from ${from} to ${to}, c=${CONCURRENCY}`,
      unit: 'MB',
      ladder: summarise(figures.ladder.steady),
      bare: summarise(figures.bare.steady),
      compare: 'diff',
    });
    // Growth as the later half of the samples against the earlier half: a leak lifts the whole
    // later half, where one sample at each end reads mostly where the sawtooth happened to be.
    const growth = (list: readonly number[]): number =>
      median(half(list, 1)) - median(half(list, 0));
    rows.push({
      scenario: 'memory',
      id: 'memory.growth',
      name: `RSS growth from ${from} to ${to} jobs (median of the later half of the samples minus the earlier half's)`,
      unit: 'MB',
      ladder: summarise([growth(figures.ladder.steady)]),
      bare: summarise([growth(figures.bare.steady)]),
      compare: 'diff',
    });
    return rows;
  },
};
