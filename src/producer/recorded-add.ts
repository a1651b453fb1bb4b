import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { IRedisTransaction, JobJson, JobsOptions, Queue } from 'bullmq';
import type { Keys } from '../ladder/keys.js';
import type { JobResult } from '../ladder/result.js';
import type { RedisClient } from '../util/redis.js';
import { JOB_NAME } from '../jobs/queues.js';
import type { PreparedJob } from './prepare-job.js';

const COMMAND = 'ladderEnqueueJobs';
/** BullMQ's own script for a job with a priority (every ladder job has one), as it ships. */
const BULLMQ_SCRIPT = 'bullmq/dist/cjs/scripts/addPrioritizedJob-9.js';
/** BullMQ's keys of a prioritized add, then its three arguments. */
const BULL_KEYS = 9;
/**
 * Jobs per call at most. Small on purpose: Redis answers each call on its own, so the jobs of one
 * turn split over several calls come back over several turns, and this process builds the next
 * jobs while Redis runs the calls still queued. With one call per turn the two took turns: 64 in
 * flight answered in one reply, 64 new jobs built while Redis idled, sent as one call that Redis
 * ran while this process idled (event-loop use 0.42 and Redis 0.58 of the wall time; with calls
 * of 16, 0.6-0.7 and 0.9, and 1.6× the jobs/s under load 7). 8, 16 and 32 measured alike; the call's
 * own cost in Redis (a few µs) is shared by 16 jobs.
 */
export const MAX_BATCH = 16;

/** What an enqueue found: its record created and job added, or the record that was there. */
export type RecordedAddAnswer = { created: true } | { created: false; record: JobResult };

/** One job waiting for its batch to be sent, and what its caller awaits. */
interface Pending {
  recordKey: string;
  /** addPrioritizedJob's three arguments, the record JSON and the level. */
  args: unknown[];
  resolve: (answer: unknown) => void;
  reject: (error: unknown) => void;
}

/** The jobs of one queue (one set of BullMQ keys) sent together. */
interface Batch {
  bullKeys: unknown[];
  jobs: Pending[];
}

/**
 * A job's result record and its BullMQ job in one Redis call (lua/enqueue-jobs.lua): the record
 * is created only if there is none, and the job is added only if the record was, so the same id
 * never runs twice and a finished job is never added again.
 *
 * The jobs of one queue that reach `add` in the same turn of the event loop (64 enqueues in
 * flight, or an `enqueueMany`) go out in calls of up to MAX_BATCH jobs, the last sent when the turn's
 * promise callbacks are done (`process.nextTick`), before the connection's per-turn write: no
 * later than a lone command would be. One call per job used to cost Redis about 10 µs of its own
 * (reading, parsing and answering the command) on top of the script; a batch pays it once. Each
 * job still gets its own answer, and a failed add still leaves no record of that job.
 *
 * BullMQ builds each job's keys and arguments itself (`addJobToTransaction`, kept public for flow
 * producers) from the fields of the job it reads (`bullJobFields`); only the command it would send
 * is taken and batched. `open` answers null when
 * the installed BullMQ does not ship that script the way 6.7 does; the caller then writes the two
 * steps apart.
 */
export class RecordedAdd {
  private readonly batches = new Map<string, Batch>();
  private flushQueued = false;
  private readonly flush = (): void => {
    this.flushQueued = false;
    for (const batch of this.batches.values()) this.send(batch);
    this.batches.clear();
  };

  private constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly ttlSeconds: number,
  ) {}

  static open(redis: RedisClient, keys: Keys, ttlSeconds: number): RecordedAdd | null {
    if (typeof (redis as unknown as Record<string, unknown>)[COMMAND] !== 'function') {
      const lua = enqueueScript();
      if (lua === null) return null;
      // No fixed key count: the call names how many (9 of the queue's, one per job).
      redis.defineCommand(COMMAND, { lua });
    }
    return new RecordedAdd(redis, keys, ttlSeconds);
  }

  /** Creates `job`'s record and adds it to `queue` with `options`, unless its record exists. */
  async add(
    queue: Queue,
    job: PreparedJob,
    options: { jobId: string; priority: number },
  ): Promise<RecordedAddAnswer> {
    const recordKey = this.keys.result(job.id);
    const record = job.record;
    let sent = false;
    // addJobToTransaction only calls runCommand on the client it is given (BullMQ 6.7), before
    // its first await: the job joins this turn's batch at once.
    const client = {
      runCommand: (name: string, args: unknown[]): Promise<unknown> => {
        // Any other script means BullMQ took another path than a prioritized add: refuse, loudly.
        if (!name.startsWith('addPrioritizedJob:') || args.length !== BULL_KEYS + 3)
          throw new Error(`enqueue: unexpected BullMQ command ${name} for a ladder job`);
        sent = true;
        return this.join(args, recordKey, JSON.stringify(record), record.level);
      },
    } as unknown as IRedisTransaction;
    const reply: unknown = await queue.backend.addJobToTransaction(
      client,
      bullJobFields(queue, job.data, options, Date.now()),
      options.jobId,
    );
    if (!sent) throw new Error('enqueue: BullMQ did not send the job');
    if (typeof reply === 'string') return { created: true };
    // The claim's answer { 0, status, level, json, held }: the record that was there (held: final).
    const [, , , json] = reply as [number, string, string, string, number];
    return { created: false, record: JSON.parse(json) as JobResult };
  }

  /** Puts one job in its queue's batch; the promise is settled with that job's own answer. */
  private join(
    bullArgs: unknown[],
    recordKey: string,
    json: string,
    level: number,
  ): Promise<unknown> {
    const marker = String(bullArgs[0]);
    let batch = this.batches.get(marker);
    if (!batch) {
      batch = { bullKeys: bullArgs.slice(0, BULL_KEYS), jobs: [] };
      this.batches.set(marker, batch);
    }
    const jobs = batch.jobs;
    const answer = new Promise<unknown>((resolve, reject) => {
      jobs.push({
        recordKey,
        args: [bullArgs[BULL_KEYS], bullArgs[BULL_KEYS + 1], bullArgs[BULL_KEYS + 2], json, level],
        resolve,
        reject,
      });
    });
    if (jobs.length >= MAX_BATCH) {
      this.batches.delete(marker);
      this.send(batch);
    } else if (!this.flushQueued) {
      this.flushQueued = true;
      process.nextTick(this.flush);
    }
    return answer;
  }

  private send(batch: Batch): void {
    const { jobs } = batch;
    const call: unknown[] = [BULL_KEYS + jobs.length, ...batch.bullKeys];
    for (const job of jobs) call.push(job.recordKey);
    call.push(this.ttlSeconds);
    for (const job of jobs) for (const arg of job.args) call.push(arg);
    const run = (this.redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
      COMMAND
    ]!;
    run.apply(this.redis, call).then(
      (answers) => {
        const list = answers as unknown[];
        jobs.forEach((job, i) => {
          const answer = list[i];
          if (Array.isArray(answer) && answer[0] === 'error')
            job.reject(new Error(String(answer[1])));
          else job.resolve(answer);
        });
      },
      (error: unknown) => {
        for (const job of jobs) job.reject(error);
      },
    );
  }
}

/** lua/enqueue-jobs.lua with the claim and BullMQ's add put in, or null if BullMQ's is not there. */
function enqueueScript(): string | null {
  let add: unknown;
  try {
    add = (createRequire(import.meta.url)(BULLMQ_SCRIPT) as Record<string, unknown>)
      .addPrioritizedJob;
  } catch {
    return null;
  }
  const script = add as { content?: unknown; keys?: unknown } | undefined;
  if (typeof script?.content !== 'string' || script.keys !== BULL_KEYS) return null;
  const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');
  return read('./lua/enqueue-jobs.lua')
    .replace('--@claim', () => read('../results/lua/claim-result-1.lua'))
    .replace('--@add', () => script.content as string);
}

/**
 * What `new Job(queue, JOB_NAME, data, { ...queue.jobsOpts, ...options }).asJSON()` answers, as far
 * as `addJobToTransaction` reads it: the name, the data's JSON, the options as Job's constructor
 * sets them (`attempts` first, defaulting to 0) and the timestamp. A ladder job has no parent,
 * repeat or deduplication. Built directly: Job's constructor and `asJSON` serialise a dozen fields
 * an add never reads. test/producer/bull-job-fields.test.ts holds it to BullMQ's own.
 */
export function bullJobFields(
  queue: Queue,
  data: object,
  options: { jobId: string; priority: number },
  timestamp: number,
): JobJson {
  const opts: JobsOptions = Object.assign({ attempts: 0 }, queue.jobsOpts, options);
  return { name: JOB_NAME, data: JSON.stringify(data), opts, timestamp } as JobJson;
}
