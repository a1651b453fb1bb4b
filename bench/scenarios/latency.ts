import { QueueEvents } from 'bullmq';
import { LadderClient } from '../../src/producer/ladder-client.js';
import { JOB_NAME } from '../../src/jobs/queues.js';
import { benchJob } from '../harness/ladder-config.js';
import { size } from '../harness/options.js';
import type { Row } from '../harness/report.js';
import { alternate, type Scenario } from '../harness/scenario.js';
import { bareSide, ladderSide } from '../harness/sides.js';
import { latencyFigures, sleep, summarise, type LatencyFigures } from '../harness/stats.js';

const RATE_PER_S = 200;
const CONCURRENCY = 16;

/** Sends `n` jobs at a steady rate (not in bursts) and collects each one's enqueue → result time. */
async function paced(n: number, roundTrip: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const due = started + (i * 1000) / RATE_PER_S;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(
      (async () => {
        const t = performance.now();
        await roundTrip(i);
        latencies.push(performance.now() - t);
      })(),
    );
  }
  await Promise.all(pending);
  return latencies;
}

/** Enqueue → result at 200 jobs/s, one worker process at concurrency 16 on each side. */
export const latency: Scenario = {
  name: 'latency',
  async run(ctx) {
    const n = size(ctx.options, 1_500, 200);
    const spec = { url: ctx.url, concurrency: CONCURRENCY, processes: 1, latencyMs: 0 };
    const ladderWorkers = await ladderSide(spec);
    const bareWorkers = await bareSide(spec);
    const client = new LadderClient({
      redis: ctx.url,
      prefix: ladderWorkers.queue.opts.prefix ?? '',
    });
    const events = new QueueEvents('bare', {
      connection: { url: ctx.url },
      prefix: bareWorkers.queue.opts.prefix,
    });
    await events.waitUntilReady();
    const ladderTrip = async (i: number): Promise<void> => {
      const { id } = await client.enqueue(benchJob(i));
      const result = await client.result(id, { timeoutMs: 30_000 });
      if (result?.status !== 'completed')
        throw new Error(`bench: ladder job ${id} ended ${result?.status ?? 'without a result'}`);
    };
    const bareTrip = async (i: number): Promise<void> => {
      const job = await bareWorkers.queue.add(JOB_NAME, benchJob(i));
      await job.waitUntilFinished(events, 30_000);
    };
    try {
      await paced(Math.min(200, n), ladderTrip);
      await paced(Math.min(200, n), bareTrip);
      const runs = await alternate(ctx.options.reps, async (side) => {
        const figures = latencyFigures(await paced(n, side === 'ladder' ? ladderTrip : bareTrip));
        ctx.log(
          `  ${side}: p50 ${figures.p50.toFixed(2)} ms, p95 ${figures.p95.toFixed(2)}, p99 ${figures.p99.toFixed(2)}`,
        );
        return figures;
      });
      const row = (p: keyof LatencyFigures): Row => ({
        scenario: 'latency',
        id: `latency.${p}`,
        name: `enqueue → result ${p} at ${RATE_PER_S} jobs/s`,
        unit: 'ms',
        ladder: summarise(runs.ladder.map((f) => f[p])),
        bare: summarise(runs.bare.map((f) => f[p])),
        compare: 'diff',
        note: p === 'p50' ? `${n} jobs, c=${CONCURRENCY}` : undefined,
      });
      return [row('p50'), row('p95'), row('p99')];
    } finally {
      await events.close();
      await client.close();
      await Promise.all([ladderWorkers.close(), bareWorkers.close()]);
    }
  },
};
