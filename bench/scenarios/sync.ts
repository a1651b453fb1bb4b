import { ok, startFakeProvider } from '../../test/helpers/fake-provider/server.js';
import { size } from '../harness/options.js';
import { runPool } from '../harness/pool.js';
import type { Row } from '../harness/report.js';
import { alternate, type Scenario } from '../harness/scenario.js';
import { percentile, summarise } from '../harness/stats.js';
import { startSyncLadder, SYNC_MODEL, type SyncLadder } from '../harness/sync-run.js';

/** The fake provider answers each call after this long, as a fast real model might. */
const PROVIDER_MS = 20;

type Way = 'chat' | 'jobs';

interface Run {
  perSecond: number;
  latencies: number[];
}

async function measure(
  n: number,
  inFlight: number,
  call: (i: number) => Promise<void>,
): Promise<Run> {
  const latencies: number[] = [];
  const elapsed = await runPool(n, inFlight, async (i) => {
    const started = performance.now();
    await call(i);
    latencies.push(performance.now() - started);
  });
  return { perSecond: n / (elapsed / 1000), latencies };
}

/**
 * One request of a way, on the ladder or on the provider directly with the same HTTP client: the
 * SDK for chat, `fetch` for `/v1/jobs?wait` (a plain-HTTP caller is compared with a plain-HTTP
 * call of the provider, so the SDK's own cost is on neither side or on both).
 */
function caller(
  run: SyncLadder,
  way: Way,
  side: 'ladder' | 'direct',
): (i: number) => Promise<void> {
  if (way === 'jobs')
    return side === 'ladder' ? (i) => run.postJob(`sync ${i}`) : (i) => run.postDirect(`sync ${i}`);
  const client = side === 'ladder' ? run.ladder : run.direct;
  const model = side === 'ladder' ? `openai/${SYNC_MODEL}` : SYNC_MODEL;
  return async (i) => {
    await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: `sync ${i}` }],
    });
  };
}

/**
 * The synchronous path as an agent uses it: `ladder start` in its own process, a fake provider
 * answering in 20 ms, the official SDK on `/v1/chat/completions` and plain `POST /v1/jobs?wait=`,
 * each against the same client calling the fake provider directly (the SDK, `fetch`), in the same run; 16 requests in
 * flight (throughput, added p50) and one at a time (added p50 and p99).
 */
export const sync: Scenario = {
  name: 'sync',
  async run(ctx) {
    const fake = await startFakeProvider();
    fake.setDefault('openai', SYNC_MODEL, { ...ok('A short answer.'), delayMs: PROVIDER_MS });
    const run = await startSyncLadder({ url: ctx.url, fake });
    const rows: Row[] = [];
    try {
      for (const inFlight of [16, 1]) {
        const n = size(ctx.options, inFlight === 16 ? 1_600 : 300, inFlight === 16 ? 320 : 60);
        for (const way of ['chat', 'jobs'] as const) {
          // Warm both sides (connections, JIT) before measuring.
          await measure(Math.min(n, 64), inFlight, caller(run, way, 'ladder'));
          await measure(Math.min(n, 64), inFlight, caller(run, way, 'direct'));
          const runs = await alternate(ctx.options.reps, (side) =>
            measure(n, inFlight, caller(run, way, side === 'ladder' ? 'ladder' : 'direct')),
          );
          const path = way === 'chat' ? '/v1/chat/completions' : 'POST /v1/jobs?wait';
          const pick = (p: number) => ({
            ladder: summarise(runs.ladder.map((r) => percentile(r.latencies, p))),
            bare: summarise(runs.bare.map((r) => percentile(r.latencies, p))),
          });
          if (inFlight === 16)
            rows.push({
              scenario: 'sync',
              id: `sync.${way}.c16.rps`,
              name: `${path} vs the provider directly, 16 in flight (${PROVIDER_MS} ms provider)`,
              unit: 'req/s',
              ladder: summarise(runs.ladder.map((r) => r.perSecond)),
              bare: summarise(runs.bare.map((r) => r.perSecond)),
              compare: 'ratio',
              note: `${n} requests per run`,
            });
          for (const p of inFlight === 16 ? [50] : [50, 99])
            rows.push({
              scenario: 'sync',
              id: `sync.${way}.c${inFlight}.p${p}`,
              name: `${path} p${p} vs direct, ${inFlight} in flight`,
              unit: 'ms',
              ...pick(p),
              compare: 'diff',
            });
          const last = rows.at(inFlight === 16 ? -2 : -2);
          ctx.log(
            `  ${path} c=${inFlight}: p50 ${pick(50).ladder.median.toFixed(1)} ms vs direct ${pick(50).bare.median.toFixed(1)} ms${last?.unit === 'req/s' ? `; ${Math.round(last.ladder?.median ?? 0)} vs ${Math.round(last.bare?.median ?? 0)} req/s` : ''}`,
          );
        }
      }
      return rows;
    } finally {
      await run.close();
      await fake.close();
    }
  },
};
