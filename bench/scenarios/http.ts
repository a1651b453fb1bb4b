import { writeConfigFile } from '../../test/helpers/processes.js';
import { freePort } from '../../test/helpers/redis-server.js';
import { BENCH_TOKEN, benchPrefix, simulatedLadder } from '../harness/ladder-config.js';
import { size } from '../harness/options.js';
import {
  spawnBareApi,
  spawnLadderApi,
  spawnLoad,
  stopAll,
  type BenchChild,
} from '../harness/processes.js';
import type { Row } from '../harness/report.js';
import { alternate, type Scenario } from '../harness/scenario.js';
import { percentile, summarise, until } from '../harness/stats.js';

const CONNECTIONS = 64;

interface LoadFigures {
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface Run extends LoadFigures {
  /** CPU cores the API process used over the run (1 = one core busy the whole time). */
  apiCores: number;
  /** p95 of `GET /healthz` (ms), probed every 50 ms while the load ran. */
  healthzP95: number;
}

/**
 * Times `GET /healthz` every 50 ms until `done` settles: a liveness probe must keep answering
 * while the API is loaded (the fault suite checks that it does, this measures how fast).
 */
async function probeHealth(base: string, done: Promise<unknown>): Promise<number[]> {
  let over = false;
  void done.finally(() => (over = true));
  const samples: number[] = [];
  while (!over) {
    const started = performance.now();
    const response = await fetch(`${base}/healthz`);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`bench: ${base}/healthz answered ${response.status}`);
    samples.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return samples;
}

/** One autocannon run against `base`, with the API process's CPU and `/healthz` over it. */
async function load(api: BenchChild, base: string, seconds: number): Promise<Run> {
  const cpuBefore = api.cpuMs();
  const started = performance.now();
  const generator = spawnLoad({
    url: `${base}/v1/jobs`,
    connections: CONNECTIONS,
    seconds,
    token: BENCH_TOKEN,
  });
  const exited = generator.exited();
  const health = await probeHealth(base, exited);
  await exited;
  const apiCores = (api.cpuMs() - cpuBefore) / (performance.now() - started);
  const last = generator.output().trim().split('\n').at(-1) ?? '';
  let figures: LoadFigures;
  try {
    figures = JSON.parse(last) as LoadFigures;
  } catch {
    throw new Error(`bench: the load generator printed no figures:\n${generator.output()}`);
  }
  if (figures.non2xx > 0 || figures.errors > 0)
    throw new Error(`bench: ${base} answered ${figures.non2xx} non-2xx, ${figures.errors} errors`);
  return { ...figures, apiCores, healthzP95: percentile(health, 95) };
}

async function ready(base: string, api: BenchChild): Promise<void> {
  try {
    await until(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok === true, {
      timeoutMs: 60_000,
      everyMs: 100,
      what: `${base} ready`,
    });
  } catch (error) {
    throw new Error(`${String(error)}\n${api.output()}`);
  }
}

/**
 * `POST /v1/jobs` under load: `ladder api` in its own process, autocannon (64 connections) in
 * another, against Express + `queue.add` (bench/workers/bare-api.ts) the same way; requests/s,
 * latency and the API process's CPU. No workers run: this is the enqueue side alone.
 */
export const http: Scenario = {
  name: 'http',
  async run(ctx) {
    const seconds = size(ctx.options, 10, 3);
    const ladderPort = await freePort();
    const barePort = await freePort();
    const configPath = writeConfigFile(
      simulatedLadder({ url: ctx.url, prefix: benchPrefix('http'), latencyMs: 0, concurrency: 1 }),
    );
    const apis = {
      ladder: spawnLadderApi({ configPath, port: ladderPort }),
      bare: spawnBareApi({ url: ctx.url, prefix: benchPrefix('http-bare'), port: barePort }),
    };
    const bases = {
      ladder: `http://127.0.0.1:${ladderPort}`,
      bare: `http://127.0.0.1:${barePort}`,
    };
    try {
      await ready(bases.ladder, apis.ladder);
      await ready(bases.bare, apis.bare);
      for (const side of ['ladder', 'bare'] as const) await load(apis[side], bases[side], 2); // warm-up
      const runs = await alternate(ctx.options.reps, async (side) => {
        const run = await load(apis[side], bases[side], seconds);
        ctx.log(
          `  ${side}: ${Math.round(run.perSecond)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, API CPU ${run.apiCores.toFixed(2)} cores, /healthz p95 ${run.healthzP95.toFixed(1)} ms`,
        );
        return run;
      });
      const row = (
        id: string,
        name: string,
        unit: string,
        pick: (r: Run) => number,
        compare: 'ratio' | 'diff',
      ): Row => ({
        scenario: 'http',
        id: `http.${id}`,
        name,
        unit,
        ladder: summarise(runs.ladder.map(pick)),
        bare: summarise(runs.bare.map(pick)),
        compare,
      });
      return [
        row(
          'rps',
          `POST /v1/jobs, ${CONNECTIONS} connections, API in its own process (vs Express + queue.add)`,
          'req/s',
          (r) => r.perSecond,
          'ratio',
        ),
        row('p50', 'POST /v1/jobs latency p50 under that load', 'ms', (r) => r.p50, 'diff'),
        row('p99', 'POST /v1/jobs latency p99 under that load', 'ms', (r) => r.p99, 'diff'),
        row('cpu', 'API process CPU under that load', 'cores', (r) => r.apiCores, 'ratio'),
        row(
          'healthzP95',
          'GET /healthz latency p95 under that load (probed every 50 ms)',
          'ms',
          (r) => r.healthzP95,
          'diff',
        ),
        // What a busy machine moves least: CPU spent per request answered.
        row(
          'cpuPerRequest',
          'API process CPU per request',
          'ms',
          (r) => (r.apiCores * 1000) / r.perSecond,
          'ratio',
        ),
      ];
    } finally {
      await stopAll(Object.values(apis));
    }
  },
};
