import {
  cutAfter,
  stallAfter,
  startFakeProvider,
  streamed,
} from '../../test/helpers/fake-provider/server.js';
import { size } from '../harness/options.js';
import { runPool } from '../harness/pool.js';
import type { Row } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { percentile, summarise } from '../harness/stats.js';
import { startStreamLadder, STREAM_TEXT, streamOnce } from '../harness/stream-run.js';

const LEVELS = [1, 16, 128] as const;
/** The fake provider's own pace: its first piece after 10 ms, then a piece every 2 ms. */
const PACE = { delayMs: 10, chunkDelayMs: 2 };

/**
 * Time to first token through the ladder (`/v1/chat/completions`, stream) against calling the same
 * fake provider directly with the same SDK, in the same run; then many streams at once, and
 * mid-stream faults that must each end in the completed answer the client received.
 */
export const streaming: Scenario = {
  name: 'streaming',
  async run(ctx) {
    const fake = await startFakeProvider();
    fake.setDefault('openai', 'gpt-s', streamed(STREAM_TEXT, PACE));
    fake.setDefault('anthropic', '*', streamed(STREAM_TEXT, PACE));
    const wide = size(ctx.options, 512, 128);
    const run = await startStreamLadder({ url: ctx.url, fake, concurrency: wide });
    const rows: Row[] = [];
    try {
      // The ladder's processes have just started: over their first thousands of streams V8 is
      // still compiling their hot paths (its compiler threads took 30-36 % of the API's and the
      // worker's CPU during the 16-stream runs, and CPU per stream fell by 40-50 % between the
      // first and the third thousand streams). A deployed ladder runs warm, and the direct side's
      // code (the SDK and the fake provider, in this process) is warmed by both sides' runs.
      await runPool(size(ctx.options, 2_000, 320), 16, () =>
        streamOnce(run.ladder, 'openai/gpt-s'),
      );
      for (const c of LEVELS) {
        const n = size(ctx.options, Math.max(c * 4, 64), Math.max(c, 16));
        // Warm both sides (connections, JIT) before measuring.
        await runPool(Math.min(n, 16), c, () => streamOnce(run.ladder, 'openai/gpt-s'));
        await runPool(Math.min(n, 16), c, () => streamOnce(run.direct, 'gpt-s'));
        const samples = { ladder: [] as number[][], bare: [] as number[][] };
        for (let rep = 0; rep < ctx.options.reps; rep++) {
          for (const side of rep % 2 === 0
            ? (['ladder', 'bare'] as const)
            : (['bare', 'ladder'] as const)) {
            const times: number[] = [];
            await runPool(n, c, async () => {
              const out =
                side === 'ladder'
                  ? await streamOnce(run.ladder, 'openai/gpt-s')
                  : await streamOnce(run.direct, 'gpt-s');
              if (!out.failed) times.push(out.firstTokenMs);
            });
            samples[side].push(times);
          }
        }
        for (const p of [50, 99] as const) {
          const figure = (runs: number[][]): number[] => runs.map((t) => percentile(t, p));
          rows.push({
            scenario: 'streaming',
            id: `streaming.ttft.c${c}.p${p}`,
            name: `first token p${p} at ${c} stream${c === 1 ? '' : 's'} (ladder vs direct)`,
            unit: 'ms',
            ladder: summarise(figure(samples.ladder)),
            bare: summarise(figure(samples.bare)),
            compare: 'diff',
            note: p === 50 ? `${n} streams per run` : undefined,
          });
        }
        ctx.log(
          `  c=${c}: ladder p50 ${rows.at(-2)?.ladder?.median.toFixed(1)} ms, direct ${rows.at(-2)?.bare?.median.toFixed(1)} ms`,
        );
      }

      // Every stream at once: each client must receive exactly the final record's text.
      const all = await Promise.all(
        Array.from({ length: wide }, () => streamOnce(run.ladder, 'openai/gpt-s')),
      );
      const records = await Promise.all(
        all.map((o) => (o.jobId ? run.ops.get(o.jobId) : Promise.resolve(null))),
      );
      const lost = all.filter(
        (o, i) => o.failed || records[i]?.output?.text !== o.text || o.text === '',
      ).length;
      rows.push({
        scenario: 'streaming',
        id: 'streaming.wide.lost',
        name: `${wide} concurrent streams: answers not delivered whole`,
        unit: 'streams',
        ladder: summarise([lost]),
      });
      ctx.log(`  ${wide} at once: ${lost} not delivered whole`);

      // Mid-stream faults on the first target, half cuts and half stalls; the next one continues.
      const faults = size(ctx.options, 100, 20);
      for (let i = 0; i < faults; i++) {
        const fault = i % 2 === 0 ? cutAfter(4) : stallAfter(4);
        fake.script('anthropic', 'claude-s', streamed(STREAM_TEXT, { ...PACE, fault }));
      }
      let completed = 0;
      await runPool(faults, 16, async () => {
        const out = await streamOnce(run.ladder, 'ladder');
        const record = out.jobId ? await run.ops.get(out.jobId) : null;
        if (!out.failed && record?.status === 'completed' && record.output?.text === out.text)
          completed += 1;
      });
      rows.push({
        scenario: 'streaming',
        id: 'streaming.faults.completed',
        name: `mid-stream faults (cut, stall) ending in the completed answer`,
        unit: 'share',
        ladder: summarise([completed / faults]),
        note: `${faults} faults`,
      });
      ctx.log(`  faults: ${completed}/${faults} completed`);
      return rows;
    } finally {
      await run.close();
      await fake.close();
    }
  },
};
