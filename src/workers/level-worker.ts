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
import type { ActiveJobs } from './worker-close.js';

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
  /** Counts the jobs being processed, so a shutdown knows when none is left. */
  active?: ActiveJobs;
}

/**
 * A BullMQ worker for one level's queue. BullMQ's own attempts stay at 1: the ladder retries and
 * moves jobs down itself, and a BullMQ failure is only the final word on a job the ladder gave up on.
 */
export function createLevelWorker(options: LevelWorkerOptions): Worker<unknown, JobSummary> {
  const { ctx, level, settings, active } = options;
  const handoff = options.handoff ?? null;
  const worker: Worker<unknown, JobSummary> = new Worker<unknown, JobSummary>(
    level.name,
    async (job: Job, token?: string) => {
      active?.begin();
      try {
        const lock =
          token === undefined ? undefined : new LockWatch(job, token, settings.lockDurationMs);
        const summary = await processJob(ctx, level, job, { token, handoff, lock });
        // A closing worker may not complete the job in BullMQ: its record is written now instead.
        if (handoff && worker.closing && job.id !== undefined)
          await handoff.flush(job.queueName, job.id);
        return summary;
      } finally {
        active?.end();
      }
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
