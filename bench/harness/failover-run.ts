import { Redis } from 'ioredis';
import { createRedisBreakers } from '../../src/breaker/redis-breakers.js';
import { buildConfig } from '../../src/config/load.js';
import { createKeys } from '../../src/ladder/keys.js';
import type { JobResult } from '../../src/ladder/result.js';
import { openRedisOps } from '../../src/producer/open-redis-ops.js';
import { createLogger } from '../../src/util/log.js';
import { down, hang, ok, type FakeProvider } from '../../test/helpers/fake-provider/server.js';
import { writeConfigFile } from '../../test/helpers/processes.js';
import { benchJob, benchPrefix } from './ladder-config.js';
import { spawnLadderWorker, waitForWorkers } from './processes.js';
import { percentile, sleep, until } from './stats.js';

export type FailureMode = 'down' | 'down_later' | 'hang';

export const TARGET = 'openai/gpt-4o';
export const TIMEOUT_MS = 1_000;
export const CONCURRENCY = 16;
export const BREAKER = {
  failure_threshold: 5,
  window: 30,
  minimum_calls: 1_000,
  reset_timeout: 1,
  max_reset_timeout: 2,
  half_open_max_calls: 1,
};

export interface FailoverFigures {
  deadCalls: number;
  /** threshold + in flight + half-open probes per reset period over the outage. */
  deadCallBound: number;
  firstFailureToPausedMs: number;
  openToPausedMs: number;
  completed: number;
  lost: number;
  duplicated: number;
  p50Ms: number;
  p99Ms: number;
  recoveryMs: number;
}

function ladderData(url: string, prefix: string, fake: FakeProvider): Record<string, unknown> {
  return {
    redis: { url, prefix },
    providers: {
      openai: {
        api_key: 'sk-bench-not-a-secret',
        base_url: fake.baseUrls.openai,
        timeout_ms: TIMEOUT_MS,
      },
      simulated: { latency_ms: 0, failure_rate: 0 },
    },
    levels: [
      { name: 'full', targets: [TARGET] },
      { name: 'reduced', targets: ['simulated/m'] },
      { name: 'static', serve: 'static', message: 'Service temporarily limited' },
    ],
    fallback: { max_retries: 1, base_delay_ms: 50 },
    breaker: BREAKER,
    worker: { concurrency: CONCURRENCY },
  };
}

/**
 * One failover run: a worker process serving the whole ladder, `jobs` jobs, level 1's only target
 * failing as `mode` says; then the target heals and the time to serve at level 1 again is taken.
 */
export async function failoverRun(input: {
  url: string;
  fake: FakeProvider;
  mode: FailureMode;
  jobs: number;
}): Promise<FailoverFigures> {
  const { url, fake, mode, jobs } = input;
  fake.reset();
  const prefix = benchPrefix(`failover-${mode}`);
  const data = ladderData(url, prefix, fake);
  const configPath = writeConfigFile(data);
  const config = buildConfig(data, { source: configPath });
  const keys = createKeys(prefix);
  const ops = await openRedisOps({ url, prefix, config });
  const queue = (await ops.levelQueues()).queue('full');
  const breakerRedis = new Redis(url, { maxRetriesPerRequest: null });
  const watcher = await createRedisBreakers({
    redis: breakerRedis,
    keys,
    config: config.breaker,
    logger: createLogger('bench', 'silent'),
    targets: [TARGET],
  });
  const subscriber = new Redis(url, { maxRetriesPerRequest: null });
  const finals = new Map<string, number>();
  subscriber.on('message', (_channel: string, id: string) =>
    finals.set(id, (finals.get(id) ?? 0) + 1),
  );
  await subscriber.subscribe(keys.resultsChannel());
  const worker = spawnLadderWorker({
    configPath,
    levels: ['full', 'reduced', 'static'],
    concurrency: CONCURRENCY,
  });
  const timers: { openAt?: number; pausedAt?: number; badAt?: number; firstBadCallAt?: number } =
    {};
  let callsAtBad = 0;
  let watching = true;
  const stopTransitions = watcher.onTransition((t) => {
    if (t.to === 'open' && timers.openAt === undefined) timers.openAt = Date.now();
  });
  const goBad = (): void => {
    callsAtBad = fake.calls('openai', 'gpt-4o');
    timers.badAt = Date.now();
    fake.setDefault('openai', 'gpt-4o', mode === 'hang' ? hang() : down());
  };
  // Polled, not evented: the bench sees what any outside observer of Redis and the provider would.
  const watch = (async () => {
    while (watching) {
      if (
        timers.badAt !== undefined &&
        timers.firstBadCallAt === undefined &&
        fake.calls('openai', 'gpt-4o') > callsAtBad
      )
        timers.firstBadCallAt = Date.now();
      if (
        timers.firstBadCallAt !== undefined &&
        timers.pausedAt === undefined &&
        (await queue.isPaused())
      )
        timers.pausedAt = Date.now();
      await sleep(5);
    }
  })();
  try {
    fake.setDefault('openai', 'gpt-4o', ok('fine'));
    if (mode !== 'down_later') goBad();
    await waitForWorkers(queue, 1, [worker]);
    const ids: string[] = [];
    for (let start = 0; start < jobs; start += 500) {
      const answers = await ops.enqueueMany(
        Array.from({ length: Math.min(500, jobs - start) }, (_, i) => benchJob(start + i)),
      );
      ids.push(...answers.map((a) => a.id));
    }
    if (mode === 'down_later') {
      await until(() => finals.size >= Math.floor(jobs / 3), {
        timeoutMs: 60_000,
        everyMs: 2,
        what: 'a third of the jobs',
      });
      goBad();
    }
    await until(() => ids.every((id) => finals.has(id)), {
      timeoutMs: 60_000 + jobs * 20,
      everyMs: 20,
      what: 'every job final',
    }).catch(() => undefined);
    const outageMs = Date.now() - (timers.badAt ?? Date.now());
    const deadCalls = fake.calls('openai', 'gpt-4o') - callsAtBad;
    const records = await readRecords(ops.results, ids);
    const totals = records
      .filter((r) => r?.status === 'completed')
      .map((r) => r?.timing.total_ms ?? 0);

    // Recovery: the target heals; new jobs are sent until one is served at level 1 again.
    fake.setDefault('openai', 'gpt-4o', ok('back'));
    const healedAt = Date.now();
    await until(
      async () => {
        const { id } = await ops.enqueue(benchJob(Date.now()));
        return (await ops.result(id, { timeoutMs: 5_000 }))?.level === 1;
      },
      { timeoutMs: 15_000, everyMs: 20, what: 'level 1 serving again' },
    );
    const recoveryMs = Date.now() - healedAt;
    const firstFailureAt =
      timers.firstBadCallAt === undefined
        ? undefined
        : timers.firstBadCallAt + (mode === 'hang' ? TIMEOUT_MS : 0);
    return {
      deadCalls,
      deadCallBound:
        BREAKER.failure_threshold +
        CONCURRENCY +
        BREAKER.half_open_max_calls * Math.ceil(outageMs / (BREAKER.reset_timeout * 1000)),
      firstFailureToPausedMs:
        timers.pausedAt !== undefined && firstFailureAt !== undefined
          ? timers.pausedAt - firstFailureAt
          : Number.NaN,
      openToPausedMs:
        timers.pausedAt !== undefined && timers.openAt !== undefined
          ? timers.pausedAt - timers.openAt
          : Number.NaN,
      completed: totals.length,
      lost: ids.filter((id) => !finals.has(id)).length,
      duplicated: [...finals.values()].filter((n) => n > 1).length,
      p50Ms: percentile(totals, 50),
      p99Ms: percentile(totals, 99),
      recoveryMs,
    };
  } finally {
    watching = false;
    await watch;
    stopTransitions();
    await worker.stop();
    await watcher.close();
    await ops.close();
    subscriber.disconnect();
    breakerRedis.disconnect();
  }
}

async function readRecords(
  store: { get(id: string): Promise<JobResult | null> },
  ids: readonly string[],
): Promise<(JobResult | null)[]> {
  const out: (JobResult | null)[] = [];
  for (let start = 0; start < ids.length; start += 200)
    out.push(...(await Promise.all(ids.slice(start, start + 200).map((id) => store.get(id)))));
  return out;
}
