import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { LevelConfig, WorkerConfig } from '../config/types.js';
import { isFinal } from '../ladder/result.js';
import type { WorkerContext } from './context.js';
import { jobIdentity } from './job-identity.js';
import { processJob } from './process-job.js';
import type { JobSummary } from './outcome.js';
import { failedRecord } from '../jobs/records.js';
import { endJob } from '../results/final-record.js';
import type { JobHandoff } from './job-handoff.js';
import { LockWatch } from './lock-watch.js';

export interface LevelWorkerOptions {
  ctx: WorkerContext;
  level: LevelConfig;
  connection: ConnectionOptions;
  prefix: string;
  settings: WorkerConfig;
  /** Overrides `settings.concurrency` (`ladder worker --concurrency`). */
  concurrency?: number;
  /** Writes a served job's final record in BullMQ's completion of it; absent, apart. */
  handoff?: JobHandoff | null;
}

/**
 * A BullMQ worker for one level's queue. BullMQ's own attempts stay at 1: the ladder retries and
 * moves jobs down itself, and a BullMQ failure is only the final word on a job the ladder gave up on.
 */
export function createLevelWorker(options: LevelWorkerOptions): Worker<unknown, JobSummary> {
  const { ctx, level, settings } = options;
  const handoff = options.handoff ?? null;
  const worker: Worker<unknown, JobSummary> = new Worker<unknown, JobSummary>(
    level.name,
    async (job: Job, token?: string) => {
      const lock =
        token === undefined ? undefined : new LockWatch(job, token, settings.lockDurationMs);
      const summary = await processJob(ctx, level, job, { token, handoff, lock });
      // A closing worker may not complete the job in BullMQ: its record is written now instead.
      if (handoff && worker.closing && job.id !== undefined)
        await handoff.flush(job.queueName, job.id);
      return summary;
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? settings.concurrency,
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.stalledIntervalMs,
      // A job whose worker died runs again elsewhere; a record already final stops it calling twice.
      maxStalledCount: 10,
      autorun: false,
    },
  );
  handoff?.attach(worker, level.level);
  worker.on('error', (error) =>
    ctx.logger.error({ ladder_level: level.name, err: error.message }, 'worker error'),
  );
  worker.on('failed', (job, error) => {
    if (!job?.id) return;
    handoff?.forget(job.queueName, job.id);
    const id = jobIdentity(job).id;
    // The ladder ends its own failures with UnrecoverableError after logging them; anything else
    // is unexpected and would otherwise leave no trace but the BullMQ job.
    if (error.name !== 'UnrecoverableError')
      ctx.logger.error(
        { job_id: id, bullmq_job_id: job.id, ladder_level: level.name, err: error.message },
        'job failed in the worker',
      );
    void recordBullmqFailure(ctx, level, job, id, error).catch((e: unknown) =>
      ctx.logger.error({ job_id: id, err: String(e) }, 'could not record a failure'),
    );
  });
  return worker;
}

/**
 * BullMQ fails a job on its own when it stalls too often or the processor throws unexpectedly; the
 * record must still end, or `result()` would wait for ever, and the job counts in the stats like
 * any failed job. A record the ladder finalised is kept.
 */
export async function recordBullmqFailure(
  ctx: WorkerContext,
  level: LevelConfig,
  job: Pick<Job, 'processedOn'>,
  id: string,
  error: Error,
): Promise<void> {
  const record = await ctx.results.get(id);
  if (!record || isFinal(record.status)) return;
  const now = ctx.clock.now();
  await endJob(
    ctx,
    failedRecord({
      record,
      level,
      message: `the job failed in the worker: ${error.message}`,
      errorClass: 'transient',
      attempts: record.attempts,
      nowMs: now,
      startedAtMs: job.processedOn ?? now,
    }),
  );
}

/** How long jobs whose calls were cut get to put themselves back on their queue. */
const REQUEUE_MS = 2_000;
/** How long a forced close may take before the worker is left to its lapsing locks. */
const FORCE_MS = 3_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(resolve, ms, 'timeout')),
  );
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}

/**
 * Stops taking jobs and waits up to `graceMs` for active ones. Then it aborts `cut` (the provider
 * calls in flight end, and their jobs go back to their queue) and waits a little for that; only
 * what is still running after that is abandoned: its lock lapses and another worker takes it over.
 */
export async function closeWorkerGracefully(
  worker: Worker,
  graceMs: number,
  cut?: AbortController,
): Promise<'drained' | 'requeued' | 'forced' | 'abandoned'> {
  const closed = worker.close().then(() => 'closed' as const);
  if ((await within(closed, graceMs)) === 'closed') return 'drained';
  cut?.abort();
  if (cut && (await within(closed, REQUEUE_MS)) === 'closed') return 'requeued';
  // A close under way ignores `force`, and on a Redis Cluster its wait for the blocking
  // connection to end can last for ever (seen after a slot migration: the cluster client never
  // emits 'end'). A shutdown must end: past FORCE_MS the worker's connections are dropped and
  // whatever it held is left to lapse, as if the process had died.
  const forced = worker.close(true).then(() => 'closed' as const);
  if ((await within(forced, FORCE_MS)) === 'closed') return 'forced';
  await within(worker.disconnect(), FORCE_MS).catch(() => undefined);
  return 'abandoned';
}
