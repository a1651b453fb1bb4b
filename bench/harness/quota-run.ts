import { Redis } from 'ioredis';
import { buildConfig } from '../../src/config/load.js';
import { createKeys } from '../../src/ladder/keys.js';
import type { JobResult } from '../../src/ladder/result.js';
import { openRedisOps } from '../../src/producer/open-redis-ops.js';
import type { FakeProvider } from '../../test/helpers/fake-provider/server.js';
import { writeConfigFile } from '../../test/helpers/processes.js';
import { benchJob, benchPrefix } from './ladder-config.js';
import { spawnLadderWorker, waitForWorkers } from './processes.js';
import { percentile, until } from './stats.js';

export const QUOTA_TARGET = 'openai/gpt-4o';
export const QUOTA_CONCURRENCY = 32;
/** The limit set in `limits:`, as a share of what the provider admits: headroom for jitter. */
export const LIMIT_SHARE = 0.95;
/** The second agent's jobs, enqueued once the burst is waiting. */
export const SECOND_AGENT_JOBS = 10;

/** `limits:` set; no `limits:` with adaptation (the default); no `limits:` and adaptation off. */
export type QuotaMode = 'limits' | 'adaptive' | 'off';

export interface QuotaFigures {
  entryShare: number;
  per1000: number;
  achievedOverR: number;
  waitP50Ms: number;
  waitP99Ms: number;
  secondP99Ms: number;
  /** The second agent's own service time: its median call latency at the provider (enqueue → result when unhindered). */
  secondServiceMs: number;
  breakerOpened: number;
}

function ladderData(input: {
  url: string;
  prefix: string;
  fake: FakeProvider;
  perSecond: number;
  mode: QuotaMode;
}): Record<string, unknown> {
  return {
    redis: { url: input.url, prefix: input.prefix },
    providers: {
      openai: { api_key: 'sk-bench-not-a-secret', base_url: input.fake.baseUrls.openai },
      simulated: { latency_ms: 0, failure_rate: 0 },
    },
    levels: [
      { name: 'full', targets: [QUOTA_TARGET] },
      { name: 'reduced', targets: ['simulated/m'] },
      { name: 'static', serve: 'static' },
    ],
    // A burst this size waits longer than the default cap of 30 s; the deadline is what limits it.
    fallback: { retry_after_cap_ms: 300_000 },
    worker: { concurrency: QUOTA_CONCURRENCY },
    ...(input.mode === 'limits'
      ? { limits: { [QUOTA_TARGET]: { rpm: Math.floor(input.perSecond * 60 * LIMIT_SHARE) } } }
      : input.mode === 'off'
        ? { quota: { adaptive: false } }
        : {}),
  };
}

/**
 * One quota run: a worker process, `jobs` jobs at once against a target whose provider admits
 * `perSecond` requests a second (429 with Retry-After and OpenAI's headers above that), deadlines
 * long enough for all to be served at level 1; then a second agent's few jobs behind the burst.
 */
export async function quotaRun(input: {
  url: string;
  fake: FakeProvider;
  jobs: number;
  perSecond: number;
  mode: QuotaMode;
}): Promise<QuotaFigures> {
  const { url, fake, jobs, perSecond } = input;
  fake.reset();
  fake.rateLimit('openai', 'gpt-4o', { perSecond });
  const prefix = benchPrefix(`quota-${input.mode}`);
  const data = ladderData({ url, prefix, fake, perSecond, mode: input.mode });
  const configPath = writeConfigFile(data);
  const config = buildConfig(data, { source: configPath });
  const ops = await openRedisOps({ url, prefix, config });
  const queue = (await ops.levelQueues()).queue('full');
  const keys = createKeys(prefix);
  const subscriber = new Redis(url, { maxRetriesPerRequest: null });
  const finals = new Set<string>();
  subscriber.on('message', (_channel: string, id: string) => finals.add(id));
  await subscriber.subscribe(keys.resultsChannel());
  const breakerOpens = new Redis(url, { maxRetriesPerRequest: null });
  let opened = 0;
  breakerOpens.on('message', (_c: string, text: string) => {
    if (/"to":"open"/.test(text)) opened++;
  });
  await breakerOpens.subscribe(keys.breakerChannel());
  const worker = spawnLadderWorker({
    configPath,
    levels: ['full', 'reduced', 'static'],
    concurrency: QUOTA_CONCURRENCY,
  });
  try {
    await waitForWorkers(queue, 1, [worker]);
    // The second agent alone first: its own service time, with nothing in the way.
    const alone: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { id } = await ops.enqueue({ ...benchJob(i), metadata: { agent: 'second' } });
      alone.push((await ops.result(id, { timeoutMs: 10_000 }))?.timing.total_ms ?? Number.NaN);
    }
    await new Promise((r) => setTimeout(r, 1100)); // the provider's window empties again
    const deadlineMs = Math.max(120_000, Math.ceil((jobs / perSecond) * 1000 * 2));
    // The rate is measured over the burst only: the second agent's three calls above and the pause
    // after them are not part of it (counting them had cost the full run about 0.03 of R).
    const burstStartMs = Date.now();
    const ids: string[] = [];
    for (let start = 0; start < jobs; start += 500) {
      const answers = await ops.enqueueMany(
        Array.from({ length: Math.min(500, jobs - start) }, (_, i) => ({
          ...benchJob(start + i),
          deadline_ms: deadlineMs,
          metadata: { agent: 'burst' },
        })),
      );
      ids.push(...answers.map((a) => a.id));
    }
    const second: string[] = [];
    for (let i = 0; i < SECOND_AGENT_JOBS; i++) {
      const { id } = await ops.enqueue({
        ...benchJob(jobs + i),
        deadline_ms: deadlineMs,
        metadata: { agent: 'second' },
      });
      second.push(id);
    }
    await until(() => [...ids, ...second].every((id) => finals.has(id)), {
      timeoutMs: deadlineMs + 60_000,
      everyMs: 50,
      what: 'every quota job final',
    });
    const records = (await readRecords(ops.results, ids)).filter((r): r is JobResult => r !== null);
    const secondRecords = (await readRecords(ops.results, second)).filter(
      (r): r is JobResult => r !== null,
    );
    const accepted = fake
      .acceptedAt('openai', 'gpt-4o')
      .filter((at) => at >= burstStartMs)
      .sort((a, b) => a - b);
    const spanS = ((accepted.at(-1) ?? 0) - (accepted[0] ?? 0)) / 1000;
    const calls = fake.calls('openai', 'gpt-4o');
    const waits = records.map((r) => r.timing.quota_wait_ms ?? 0);
    return {
      entryShare: records.filter((r) => r.status === 'completed' && r.level === 1).length / jobs,
      per1000: calls === 0 ? 0 : (fake.rateLimited('openai', 'gpt-4o') / calls) * 1000,
      // Over less than the provider's one-second window a rate means nothing (without the
      // scheduler the few calls that get through come at once): count such a span as one second.
      achievedOverR:
        accepted.length === 0
          ? Number.NaN
          : (spanS >= 1 ? (accepted.length - 1) / spanS : accepted.length) / perSecond,
      waitP50Ms: percentile(waits, 50),
      waitP99Ms: percentile(waits, 99),
      secondP99Ms: percentile(
        secondRecords.map((r) => r.timing.total_ms ?? Number.NaN),
        99,
      ),
      secondServiceMs: percentile(alone, 50),
      breakerOpened: opened,
    };
  } finally {
    await worker.stop();
    await ops.close();
    subscriber.disconnect();
    breakerOpens.disconnect();
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
