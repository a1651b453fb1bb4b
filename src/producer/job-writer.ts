import { agentOf, FairShare } from '../jobs/fair-share.js';
import type { Queue } from 'bullmq';
import { addOptions, JOB_NAME, type LevelQueues } from '../jobs/queues.js';
import type { JobResult } from '../ladder/result.js';
import type { LadderDefinition } from '../levels/definition.js';
import type { ResultStore } from '../results/result-store.js';
import { isReplicationTimeoutError, type ReplicaWait } from '../util/replica-wait.js';
import { NotReplicatedError, QueueFullError } from './errors.js';
import type { EnqueueAnswer } from './ladder-ops.js';
import type { PreparedJob } from './prepare-job.js';
import { MAX_BATCH, type RecordedAdd } from './recorded-add.js';

/**
 * Writes validated jobs: the queue-depth check, the result record and the BullMQ job (with its
 * fair priority among agents), and the replica confirmation of `replicated` durability. What every
 * enqueue path of RedisLadderOps shares once its jobs are checked.
 */
export class JobWriter {
  /** Depth reads in flight, shared by the requests that arrive meanwhile (one round trip for all). */
  private readonly depthReads = new Map<string, Promise<number>>();
  /** Each job's place among agents in its level's queue (see jobs/fair-share.ts). */
  private readonly fair: FairShare;

  constructor(
    private readonly o: {
      results: ResultStore;
      now: () => number;
      /** `redis.durability: replicated`: answers wait until a replica has the writes. */
      replicaWait?: ReplicaWait;
      /** Record and job in one call; absent (BullMQ without its 6.7 script), two calls. */
      recordedAdd?: RecordedAdd | null;
    },
  ) {
    this.fair = new FairShare(o.now);
  }

  async checkDepth(
    job: PreparedJob,
    definition: LadderDefinition,
    queues: LevelQueues,
  ): Promise<void> {
    const limit = definition.max_queue_depth;
    if (limit === null) return;
    // Read fresh for every request, but coalesced: a cached depth let a burst overshoot the limit
    // by whatever arrived while it was stale. Ladder jobs carry a BullMQ priority, so most of the
    // backlog sits in `prioritized`, not in `wait`.
    let read = this.depthReads.get(job.level.name);
    if (!read) {
      read = queues
        .queue(job.level.name)
        .getJobCountByTypes('waiting', 'prioritized')
        .finally(() => this.depthReads.delete(job.level.name));
      this.depthReads.set(job.level.name, read);
    }
    const depth = await read;
    if (depth >= limit) throw new QueueFullError(job.level.name, depth, 1_000);
  }

  /**
   * With `replicated` durability, waits until a replica has what this process wrote so far (the
   * jobs and their records); refuses the enqueue when none does in time. Also for a job that was
   * already there: its first enqueue may have been the one that was not confirmed.
   */
  async confirm(ids: readonly string[]): Promise<void> {
    const wait = this.o.replicaWait;
    if (!wait) return;
    try {
      await wait.confirm();
    } catch (error) {
      if (!isReplicationTimeoutError(error)) throw error;
      throw new NotReplicatedError(ids, error.message, { cause: error });
    }
  }

  /** The answer for a job whose record is `record`. */
  answer(job: PreparedJob, record: JobResult, created: boolean): EnqueueAnswer {
    return {
      id: job.id,
      status: record.status,
      level: record.level,
      level_name: record.level_name,
      created,
    };
  }

  /** Jobs with generated ids: cannot collide, so records and jobs go out together, per level in bulk. */
  async writeFresh(jobs: readonly PreparedJob[], queues: LevelQueues): Promise<void> {
    const recorded = this.o.recordedAdd;
    if (recorded) {
      // Calls of up to MAX_BATCH jobs each (recorded-add.ts); each batch goes out before the next
      // is built, so Redis runs one while this process builds the next.
      const adds: Promise<unknown>[] = [];
      for (let i = 0; i < jobs.length; i += MAX_BATCH) {
        if (i > 0) await nextTurn();
        for (const j of jobs.slice(i, i + MAX_BATCH)) {
          const added = recorded.add(queues.queue(j.level.name), j, this.addOptions(j));
          // Handled here so a failure is not unhandled while later batches are built; thrown below.
          added.catch(() => undefined);
          adds.push(added);
        }
      }
      await Promise.all(adds);
      return;
    }
    const byLevel = new Map<string, PreparedJob[]>();
    for (const job of jobs)
      byLevel.set(job.level.name, [...(byLevel.get(job.level.name) ?? []), job]);
    await Promise.all([
      ...jobs.map((j) => this.o.results.claim(j.record)),
      ...[...byLevel].map(([name, list]) =>
        queues
          .queue(name)
          .addBulk(list.map((j) => ({ name: JOB_NAME, data: j.data, opts: this.addOptions(j) }))),
      ),
    ]);
  }

  /** One job: its record and job, unless its id has a record already (idempotent enqueue). */
  async write(
    job: PreparedJob,
    queues: LevelQueues,
    definition: LadderDefinition,
  ): Promise<EnqueueAnswer> {
    const queue = queues.queue(job.level.name);
    const found = this.o.recordedAdd
      ? await this.o.recordedAdd.add(queue, job, this.addOptions(job))
      : await this.writeApart(job, queue);
    if (found.created) return this.answer(job, job.record, true);
    const existing = (await this.o.results.get(job.id)) ?? found.record;
    if (existing.status === 'queued') {
      // The first enqueue may have died between record and job: re-adding is a no-op if it did not.
      const at = definition.levels[existing.level - 1];
      if (at)
        await queues.queue(at.name).add(JOB_NAME, { ...job.data }, addOptions(job.id, job.data));
    }
    return this.answer(job, existing, false);
  }

  /** Record, then job, in two calls: a fresh id goes out at once; a given id is claimed first. */
  private async writeApart(
    job: PreparedJob,
    queue: Queue,
  ): Promise<{ created: true } | { created: false; record: JobResult }> {
    const add = (): Promise<unknown> => queue.add(JOB_NAME, job.data, this.addOptions(job));
    if (!job.idGiven) {
      // A fresh id cannot collide, so the record and the job are written together.
      await Promise.all([this.o.results.claim(job.record), add()]);
      return { created: true };
    }
    const claim = await this.o.results.claim(job.record);
    if (!claim.created) return { created: false, record: claim.record };
    await add().catch(async (error: unknown) => {
      await this.o.results.delete(job.id).catch(() => undefined);
      throw error;
    });
    return { created: true };
  }

  /** BullMQ options of a new job: its id, and its priority with its fair offset among agents. */
  private addOptions(job: PreparedJob): { jobId: string; priority: number } {
    return addOptions(job.id, job.data, this.fair.offset(job.level.name, agentOf(job.data)));
  }
}

/** After this turn's writes have left (the connection writes once per turn, at `setImmediate`). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
