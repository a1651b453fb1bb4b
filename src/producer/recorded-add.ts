import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Job, type IRedisTransaction, type JobsOptions, type Queue } from 'bullmq';
import type { Keys } from '../ladder/keys.js';
import type { JobResult } from '../ladder/result.js';
import type { RedisClient } from '../util/redis.js';
import { JOB_NAME } from '../jobs/queues.js';
import type { PreparedJob } from './prepare-job.js';

const COMMAND = 'ladderEnqueueJob';
/** BullMQ's own script for a job with a priority (every ladder job has one), as it ships. */
const BULLMQ_SCRIPT = 'bullmq/dist/cjs/scripts/addPrioritizedJob-9.js';

/** What an enqueue found: its record created and job added, or the record that was there. */
export type RecordedAddAnswer = { created: true } | { created: false; record: JobResult };

/**
 * A job's result record and its BullMQ job in one Redis call (lua/enqueue-job-10.lua): the record
 * is created only if there is none, and the job is added only if the record was, so the same id
 * never runs twice and a finished job is never added again. Two calls used to do this (the claim,
 * then `queue.add`): one command and one reply less per job, and no window between them.
 *
 * BullMQ builds the job, its keys and arguments itself (`addJobToTransaction`, kept public for
 * flow producers); only the command it would send is swapped for the script that wraps its own.
 * `open` answers null when the installed BullMQ does not ship that script the way 6.7 does; the
 * caller then writes the two steps apart, as before.
 */
export class RecordedAdd {
  private constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly ttlSeconds: number,
  ) {}

  static open(redis: RedisClient, keys: Keys, ttlSeconds: number): RecordedAdd | null {
    if (typeof (redis as unknown as Record<string, unknown>)[COMMAND] !== 'function') {
      const lua = enqueueScript();
      if (lua === null) return null;
      redis.defineCommand(COMMAND, { numberOfKeys: 10, lua });
    }
    return new RecordedAdd(redis, keys, ttlSeconds);
  }

  /** Creates `job`'s record and adds it to `queue` with `options`, unless its record exists. */
  async add(
    queue: Queue,
    job: PreparedJob,
    options: { jobId: string; priority: number },
  ): Promise<RecordedAddAnswer> {
    const opts: JobsOptions = Object.assign({}, queue.jobsOpts, options);
    const bullJob = new Job(queue, JOB_NAME, job.data, opts, options.jobId);
    const recordKey = this.keys.result(job.id);
    let sent = false;
    const send = (name: string, args: unknown[]): Promise<unknown> => {
      // Any other script means BullMQ took another path than a prioritized add: refuse, loudly.
      if (!name.startsWith('addPrioritizedJob:') || args.length !== 12)
        throw new Error(`enqueue: unexpected BullMQ command ${name} for a ladder job`);
      sent = true;
      const run = (this.redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
        COMMAND
      ]!;
      const keysThenArgs = args.slice(0, 9);
      keysThenArgs.push(recordKey, args[9], args[10], args[11]);
      keysThenArgs.push(JSON.stringify(job.record), job.record.level, this.ttlSeconds);
      return run.apply(this.redis, keysThenArgs);
    };
    // addJobToTransaction only calls runCommand on the client it is given (BullMQ 6.7).
    const client = { runCommand: send } as unknown as IRedisTransaction;
    const reply: unknown = await queue.backend.addJobToTransaction(
      client,
      bullJob.asJSON(),
      options.jobId,
    );
    if (!sent) throw new Error('enqueue: BullMQ did not send the job');
    if (typeof reply === 'string') return { created: true };
    // The claim's answer { 0, status, level, json, held }: the record that was there (held: final).
    const [, , , json] = reply as [number, string, string, string, number];
    return { created: false, record: JSON.parse(json) as JobResult };
  }
}

/** lua/enqueue-job-10.lua with the claim and BullMQ's add put in, or null if BullMQ's is not there. */
function enqueueScript(): string | null {
  let add: unknown;
  try {
    add = (createRequire(import.meta.url)(BULLMQ_SCRIPT) as Record<string, unknown>)
      .addPrioritizedJob;
  } catch {
    return null;
  }
  const script = add as { content?: unknown; keys?: unknown } | undefined;
  if (typeof script?.content !== 'string' || script.keys !== 9) return null;
  const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');
  return read('./lua/enqueue-job-10.lua')
    .replace('--@claim', () => read('../results/lua/claim-result-1.lua'))
    .replace('--@add', () => script.content as string);
}
