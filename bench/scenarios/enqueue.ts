import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { buildConfig } from '../../src/config/load.js';
import { definitionFromConfig, publishDefinition } from '../../src/levels/definition.js';
import { createKeys } from '../../src/ladder/keys.js';
import { JOB_NAME } from '../../src/jobs/queues.js';
import { createLogger } from '../../src/util/log.js';
import { builtModule } from '../harness/built.js';
import { BENCH_TOKEN, benchJob, benchPrefix, simulatedLadder } from '../harness/ladder-config.js';
import { size } from '../harness/options.js';
import { perSecond, runPool } from '../harness/pool.js';
import type { Row } from '../harness/report.js';
import type { Scenario } from '../harness/scenario.js';
import { summarise } from '../harness/stats.js';

const IN_FLIGHT = 64;
const BULK = 1_000;

interface Rates {
  seq: number[];
  parallel: number[];
  bulk: number[];
  http: number[];
  /** queue.add as a ladder job is added: with a priority and its own id (bare side only). */
  seqLike: number[];
  parallelLike: number[];
}

const empty = (): Rates => ({
  seq: [],
  parallel: [],
  bulk: [],
  http: [],
  seqLike: [],
  parallelLike: [],
});

/**
 * Every ladder job is a prioritized BullMQ job with an id of its own (fair share needs the
 * priority, idempotency the id); BullMQ's prioritized add costs Redis about half as much again as
 * the plain one. The goals compare with the plain `queue.add`; this is the like-for-like reference.
 */
const LIKE_LADDER = { priority: 500 * 2048 };

/**
 * Enqueue rate with no workers running: LadderClient (one at a time, 64 in flight, enqueueMany)
 * and POST /v1/jobs, against queue.add and addBulk on the same Redis. The ladder's client and API
 * run from dist/ (see harness/built.ts).
 */
export const enqueue: Scenario = {
  name: 'enqueue',
  async run(ctx) {
    const n = {
      seq: size(ctx.options, 2_000, 200),
      parallel: size(ctx.options, 5_000, 300),
      bulk: size(ctx.options, 10_000, 1_000),
      http: size(ctx.options, 3_000, 200),
    };
    const prefix = benchPrefix('enqueue');
    const data = simulatedLadder({ url: ctx.url, prefix, latencyMs: 0, concurrency: 16 });
    const config = buildConfig(data);
    const setup = new Redis(ctx.url);
    await publishDefinition(setup, createKeys(prefix), definitionFromConfig(config));
    setup.disconnect();
    // The ladder's side from the build (dist/), like every other ladder process the bench runs.
    const { LadderClient } = await builtModule<
      typeof import('../../src/producer/ladder-client.js')
    >('producer/ladder-client.js');
    const { openRedisOps } = await builtModule<
      typeof import('../../src/producer/open-redis-ops.js')
    >('producer/open-redis-ops.js');
    const { startApiServer } =
      await builtModule<typeof import('../../src/server/api-server.js')>('server/api-server.js');
    const client = new LadderClient({ redis: ctx.url, prefix });
    const apiOps = await openRedisOps({ url: ctx.url, prefix, config });
    const api = await startApiServer({
      config,
      ops: apiOps,
      port: 0,
      logger: createLogger('bench', 'warn'),
    });
    const bareConnection = new Redis(ctx.url, { maxRetriesPerRequest: null });
    const queue = new Queue('bare', {
      connection: bareConnection,
      prefix: benchPrefix('enqueue-bare'),
    });
    const post = async (i: number): Promise<void> => {
      const response = await fetch(`${api.url}/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(benchJob(i)),
      });
      if (response.status !== 202)
        throw new Error(
          `bench: POST /v1/jobs answered ${response.status}: ${await response.text()}`,
        );
      await response.arrayBuffer();
    };
    const ladder = empty();
    const bare = empty();
    try {
      // Warm-up on both paths (connections, definition load, JIT).
      await runPool(200, IN_FLIGHT, (i) => client.enqueue(benchJob(i)));
      await runPool(200, IN_FLIGHT, post);
      await runPool(200, IN_FLIGHT, (i) => queue.add(JOB_NAME, benchJob(i)));
      for (let rep = 0; rep < ctx.options.reps; rep++) {
        const ladderFirst = rep % 2 === 0;
        const measureLadder = async (): Promise<void> => {
          ladder.seq.push(
            perSecond(n.seq, await runPool(n.seq, 1, (i) => client.enqueue(benchJob(i)))),
          );
          ladder.parallel.push(
            perSecond(
              n.parallel,
              await runPool(n.parallel, IN_FLIGHT, (i) => client.enqueue(benchJob(i))),
            ),
          );
          const batches = Math.ceil(n.bulk / BULK);
          ladder.bulk.push(
            perSecond(
              n.bulk,
              await runPool(batches, 1, (b) =>
                client.enqueueMany(Array.from({ length: BULK }, (_, i) => benchJob(b * BULK + i))),
              ),
            ),
          );
          ladder.http.push(perSecond(n.http, await runPool(n.http, IN_FLIGHT, post)));
        };
        const measureBare = async (): Promise<void> => {
          bare.seq.push(
            perSecond(n.seq, await runPool(n.seq, 1, (i) => queue.add(JOB_NAME, benchJob(i)))),
          );
          bare.parallel.push(
            perSecond(
              n.parallel,
              await runPool(n.parallel, IN_FLIGHT, (i) => queue.add(JOB_NAME, benchJob(i))),
            ),
          );
          let like = 0;
          const addLike = (i: number) =>
            queue.add(JOB_NAME, benchJob(i), { ...LIKE_LADDER, jobId: `like-${rep}-${like++}` });
          bare.seqLike.push(perSecond(n.seq, await runPool(n.seq, 1, addLike)));
          bare.parallelLike.push(
            perSecond(n.parallel, await runPool(n.parallel, IN_FLIGHT, addLike)),
          );
          const batches = Math.ceil(n.bulk / BULK);
          bare.bulk.push(
            perSecond(
              n.bulk,
              await runPool(batches, 1, (b) =>
                queue.addBulk(
                  Array.from({ length: BULK }, (_, i) => ({
                    name: JOB_NAME,
                    data: benchJob(b * BULK + i),
                  })),
                ),
              ),
            ),
          );
        };
        for (const measure of ladderFirst
          ? [measureLadder, measureBare]
          : [measureBare, measureLadder])
          await measure();
        ctx.log(
          `  rep ${rep + 1}: enqueue ${Math.round(ladder.seq.at(-1) ?? 0)}/${Math.round(bare.seq.at(-1) ?? 0)} seq, ${Math.round(ladder.parallel.at(-1) ?? 0)}/${Math.round(bare.parallel.at(-1) ?? 0)} x64, bulk ${Math.round(ladder.bulk.at(-1) ?? 0)}/${Math.round(bare.bulk.at(-1) ?? 0)}, http ${Math.round(ladder.http.at(-1) ?? 0)}`,
        );
      }
    } finally {
      await api.close();
      await apiOps.close();
      await client.close();
      await queue.close();
      bareConnection.disconnect();
    }
    const row = (id: string, name: string, l: number[], b: number[], note?: string): Row => ({
      scenario: 'enqueue',
      id: `enqueue.${id}`,
      name,
      unit: 'jobs/s',
      ladder: summarise(l),
      bare: summarise(b),
      compare: 'ratio',
      note,
    });
    return [
      row('seq', 'LadderClient.enqueue vs queue.add, one at a time', ladder.seq, bare.seq),
      row(
        'parallel',
        `LadderClient.enqueue vs queue.add, ${IN_FLIGHT} in flight`,
        ladder.parallel,
        bare.parallel,
      ),
      row(
        'seq-like',
        'LadderClient.enqueue vs queue.add with a priority and a job id, one at a time',
        ladder.seq,
        bare.seqLike,
        'reference: BullMQ adds a ladder job this way',
      ),
      row(
        'parallel-like',
        `LadderClient.enqueue vs queue.add with a priority and a job id, ${IN_FLIGHT} in flight`,
        ladder.parallel,
        bare.parallelLike,
        'reference: BullMQ adds a ladder job this way',
      ),
      row('bulk', `enqueueMany vs addBulk, batches of ${BULK}`, ladder.bulk, bare.bulk),
      row(
        'http',
        `POST /v1/jobs vs queue.add, ${IN_FLIGHT} in flight`,
        ladder.http,
        bare.parallel,
        'HTTP client and server share the bench process',
      ),
    ];
  },
};
