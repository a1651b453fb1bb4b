import { buildConfig } from '../../src/config/load.js';
import { redisSource, type LadderConfig } from '../../src/config/types.js';
import { openRedisOps } from '../../src/producer/open-redis-ops.js';
import type { RedisLadderOps } from '../../src/producer/redis-ops.js';
import { createLogger } from '../../src/util/log.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/workers/runtime.js';
import type { FakeProvider } from '../helpers/fake-provider/server.js';
import type { RedisClusterHandle } from '../helpers/redis-cluster.js';
import { taggedJob } from '../faults/ledger.js';

/** One ladder on the cluster: its workers and a producer, in this process. */
export interface ClusterLadder {
  prefix: string;
  ops: RedisLadderOps;
  runtime: WorkerRuntime;
  close(): Promise<void>;
}

export async function startClusterLadder(
  cluster: RedisClusterHandle,
  fake: FakeProvider,
  prefix: string,
  durability: 'async' | 'replicated',
): Promise<ClusterLadder> {
  const config: LadderConfig = buildConfig(
    {
      redis: { cluster: { nodes: cluster.urls }, prefix, durability, wait_timeout_ms: 500 },
      providers: {
        anthropic: { api_key: 'sk-test-anthropic', base_url: fake.baseUrls.anthropic },
      },
      levels: [
        { name: 'full', targets: ['anthropic/claude-opus-4-1'] },
        { name: 'static', serve: 'static', message: 'sorry' },
      ],
      fallback: { base_delay_ms: 5, max_delay_ms: 20 },
      worker: {
        concurrency: 4,
        lock_duration_ms: 2_000,
        stalled_interval_ms: 1_000,
        shutdown_grace_ms: 1_000,
      },
      results: { ttl: 600 },
    },
    { source: 'test.yaml', env: {} },
  );
  const runtime = await startWorkerRuntime({
    config,
    logger: createLogger('test', process.env.LOG_LEVEL ?? 'silent'),
  });
  const ops = await openRedisOps({ url: redisSource(config.redis), prefix, config });
  return {
    prefix,
    ops,
    runtime,
    async close() {
      await ops.close();
      await runtime.close();
    },
  };
}

/** Two hash tags (fresh names) whose slots two different masters hold now. */
export async function tagsOnTwoMasters(cluster: RedisClusterHandle): Promise<[string, string]> {
  const byMaster = new Map<number, string>();
  for (let i = 0; byMaster.size < 2; i++) {
    if (i > 200) throw new Error('no two tags on two masters');
    const tag = `{team-${Date.now().toString(36)}-${i}}`;
    const master = await cluster.masterFor(tag);
    if (!byMaster.has(master.port)) byMaster.set(master.port, tag);
  }
  const [a, b] = [...byMaster.values()];
  return [a!, b!];
}

export interface Attempt {
  at: number;
  ms: number;
  ok: boolean;
  /** Round trips: how long the enqueue itself took. */
  enqueueMs?: number;
  /** The error's name (LadderUnavailableError, NotReplicatedError, ...) when not ok. */
  error?: string;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The least time between two enqueues of one producer loop. */
const PACE_MS = 10;

/**
 * Producers that enqueue tagged jobs by id until `stop()`, each at most one every PACE_MS;
 * `onAccepted` hears every acknowledged id. A refused enqueue is recorded and tried again (with a
 * new id) after 50 ms. The pace matters: unpaced, `async` on an idle machine enqueued 50,000 jobs in
 * seconds, and that flood in this one process, not the failover, slowed the other ladder.
 */
export function produce(
  ladder: ClusterLadder,
  loops: number,
  tag: string,
  onAccepted: (id: string) => void,
): { attempts: Attempt[]; stop(): Promise<void> } {
  const attempts: Attempt[] = [];
  let running = true;
  let n = 0;
  const work = Array.from({ length: loops }, async () => {
    while (running) {
      const id = `${tag}-${n++}`;
      const at = Date.now();
      try {
        await ladder.ops.enqueue(taggedJob(id));
        attempts.push({ at, ms: Date.now() - at, ok: true });
        onAccepted(id);
        await sleep(PACE_MS);
      } catch (error) {
        attempts.push({ at, ms: Date.now() - at, ok: false, error: errorName(error) });
        await sleep(50);
      }
    }
  });
  return {
    attempts,
    async stop() {
      running = false;
      await Promise.all(work);
    },
  };
}

/**
 * Clients that each enqueue one job and wait for its result, over and over, until `stop()`: the
 * latency a user of the ladder sees, enqueue to final result.
 */
export function roundTrips(
  ladder: ClusterLadder,
  loops: number,
  tag: string,
): { attempts: Attempt[]; stop(): Promise<void> } {
  const attempts: Attempt[] = [];
  let running = true;
  let n = 0;
  const work = Array.from({ length: loops }, async () => {
    while (running) {
      const at = Date.now();
      try {
        const { id } = await ladder.ops.enqueue(taggedJob(`${tag}-${n++}`));
        const enqueueMs = Date.now() - at;
        const result = await ladder.ops.result(id, { timeoutMs: 20_000 });
        const ok = result?.status === 'completed' && result.level === 1;
        attempts.push({
          at,
          ms: Date.now() - at,
          enqueueMs,
          ok,
          ...(ok ? {} : { error: `result ${result?.status ?? 'none'}` }),
        });
      } catch (error) {
        attempts.push({ at, ms: Date.now() - at, ok: false, error: errorName(error) });
      }
    }
  });
  return {
    attempts,
    async stop() {
      running = false;
      await Promise.all(work);
    },
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.slice(0, 120)}` : String(error);
}

/** The q-quantile of the attempts' latencies (ms), 0 for none. */
export function quantile(attempts: Attempt[], q: number): number {
  const sorted = attempts.map((a) => a.ms).sort((x, y) => x - y);
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
