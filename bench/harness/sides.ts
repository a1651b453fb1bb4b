import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pauseLevel, resumeLevel } from '../../src/levels/operator-pause.js';
import { buildConfig } from '../../src/config/load.js';
import { definitionFromConfig } from '../../src/levels/definition.js';
import { createKeys } from '../../src/ladder/keys.js';
import { JOB_NAME } from '../../src/jobs/queues.js';
import { RedisLadderOps } from '../../src/producer/redis-ops.js';
import { connectRedis, createRedis } from '../../src/util/redis.js';
import { writeConfigFile } from '../../test/helpers/processes.js';
import { benchJob, benchPrefix, simulatedLadder } from './ladder-config.js';
import {
  spawnBareWorker,
  spawnLadderWorker,
  stopAll,
  waitForWorkers,
  type BenchChild,
} from './processes.js';

const CHUNK = 1_000;

/**
 * One side of a drain measurement: worker processes already connected to a queue, and a producer
 * that fills that queue while it is paused, so the clock runs only while jobs are being worked.
 */
export interface DrainSide {
  kind: 'ladder' | 'bare';
  queue: Queue;
  children: BenchChild[];
  /** The bench's own connections (left out of command counts). */
  ownConnections: Redis[];
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Adds `n` jobs; answers their ids. */
  fill(n: number): Promise<string[]>;
  /** How many of these jobs ended completed. */
  completed(ids: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

export interface SideSpec {
  url: string;
  concurrency: number;
  processes: number;
  /** Provider latency (simulated on the ladder side, a sleep in the bare processor). */
  latencyMs: number;
  /** Extra `node` flags for the worker processes (for example `--cpu-prof`). */
  nodeArgs?: readonly string[];
}

function chunks(n: number): number[][] {
  const out: number[][] = [];
  for (let start = 0; start < n; start += CHUNK)
    out.push(Array.from({ length: Math.min(CHUNK, n - start) }, (_, i) => start + i));
  return out;
}

export async function ladderSide(spec: SideSpec): Promise<DrainSide> {
  const prefix = benchPrefix('ladder');
  const data = simulatedLadder({
    url: spec.url,
    prefix,
    latencyMs: spec.latencyMs,
    concurrency: spec.concurrency,
  });
  const configPath = writeConfigFile(data);
  const config = buildConfig(data, { source: configPath });
  const redis = createRedis(spec.url, 'producer');
  // The bench counts commands per connection on one server: a URL always gives a single-server client.
  if (!(redis instanceof Redis)) throw new Error('bench: expected a single-server Redis client');
  await connectRedis(redis);
  const keys = createKeys(prefix);
  // No level states: the bench pauses the level itself and must still be able to fill it.
  const ops = new RedisLadderOps({ redis, prefix, definition: definitionFromConfig(config) });
  const queue = (await ops.levelQueues()).queue('full');
  const children = Array.from({ length: spec.processes }, () =>
    spawnLadderWorker({
      configPath,
      levels: ['full'],
      concurrency: spec.concurrency,
      nodeArgs: spec.nodeArgs,
    }),
  );
  await waitForWorkers(queue, spec.processes, children);
  let counter = 0;
  return {
    kind: 'ladder',
    queue,
    children,
    ownConnections: [redis],
    pause: () => pauseLevel({ redis, keys, queue }),
    resume: () => resumeLevel({ redis, keys, queue }),
    async fill(n) {
      const ids: string[] = [];
      for (const chunk of chunks(n)) {
        const answers = await ops.enqueueMany(chunk.map(() => benchJob(counter++)));
        ids.push(...answers.map((a) => a.id));
      }
      return ids;
    },
    async completed(ids) {
      let done = 0;
      for (let start = 0; start < ids.length; start += CHUNK) {
        const pipeline = redis.pipeline();
        for (const id of ids.slice(start, start + CHUNK)) pipeline.hget(keys.result(id), 'status');
        const replies = (await pipeline.exec()) ?? [];
        done += replies.filter(([, status]) => status === 'completed').length;
      }
      return done;
    },
    async close() {
      await stopAll(children);
      await ops.close();
      redis.disconnect();
    },
  };
}

export async function bareSide(spec: SideSpec): Promise<DrainSide> {
  const prefix = benchPrefix('bare');
  const connection = new Redis(spec.url, { maxRetriesPerRequest: null });
  const queue = new Queue('bare', { connection, prefix });
  const children = Array.from({ length: spec.processes }, () =>
    spawnBareWorker({
      url: spec.url,
      prefix,
      queue: 'bare',
      concurrency: spec.concurrency,
      delayMs: spec.latencyMs,
      nodeArgs: spec.nodeArgs,
    }),
  );
  await waitForWorkers(queue, spec.processes, children);
  let counter = 0;
  let completedBefore = 0;
  return {
    kind: 'bare',
    queue,
    children,
    ownConnections: [connection],
    pause: () => queue.pause(),
    resume: () => queue.resume(),
    async fill(n) {
      completedBefore = await queue.getCompletedCount();
      const ids: string[] = [];
      for (const chunk of chunks(n)) {
        const jobs = await queue.addBulk(
          chunk.map(() => ({ name: JOB_NAME, data: benchJob(counter++) })),
        );
        ids.push(...jobs.map((j) => j.id ?? ''));
      }
      return ids;
    },
    async completed(ids) {
      // Bare BullMQ keeps completed jobs (its default): the set grew by exactly the jobs that ran.
      return Math.min(ids.length, (await queue.getCompletedCount()) - completedBefore);
    },
    async close() {
      await stopAll(children);
      await queue.close();
      connection.disconnect();
    },
  };
}

/** Drains `n` pre-filled jobs; answers jobs/s from resume to empty, and how many completed. */
export async function drainOnce(
  side: DrainSide,
  n: number,
): Promise<{ jobsPerS: number; completed: number; elapsedMs: number }> {
  await side.pause();
  const ids = await side.fill(n);
  const started = performance.now();
  await side.resume();
  const deadline = started + 60_000 + n * 5;
  for (;;) {
    const counts = await side.queue.getJobCounts('wait', 'active', 'prioritized', 'delayed');
    if (Object.values(counts).every((c) => c === 0)) break;
    if (performance.now() > deadline)
      throw new Error(
        `bench: ${side.kind} drain of ${n} jobs did not finish: ${JSON.stringify(counts)}`,
      );
    await new Promise((r) => setTimeout(r, 5));
  }
  const elapsedMs = performance.now() - started;
  return { jobsPerS: n / (elapsedMs / 1000), completed: await side.completed(ids), elapsedMs };
}
