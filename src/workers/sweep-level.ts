import type { Job } from 'bullmq';
import type { LevelConfig } from '../config/types.js';
import { splitJobData } from '../jobs/job-data.js';
import { reparseJob } from '../ladder/job-schema.js';
import { isFinal } from '../ladder/result.js';
import type { WorkerContext } from './context.js';
import { jobIdentity } from './job-identity.js';
import { jobMetaAt } from './raw-job-meta.js';
import { initialRecord } from '../jobs/records.js';
import { moveDown, repairStaleCopy } from './move-down.js';

/** Waiting kinds a down level is emptied of; delayed jobs get promoted even while it is paused. */
const SWEPT = ['prioritized', 'waiting', 'delayed'] as const;

/** What the sweep uses of a BullMQ job and of a level's queue (a BullMQ Queue is one). */
export type SweptJob = Pick<Job, 'id' | 'data' | 'timestamp' | 'queueName' | 'remove'>;
export interface SweptQueue {
  getJobs(
    types: (typeof SWEPT)[number][],
    start: number,
    end: number,
    asc: boolean,
  ): Promise<SweptJob[]>;
}

/**
 * Moves the jobs waiting at a down level to the next level that takes jobs, oldest first, keeping
 * id, history, floor and deadline. Safe to run in several processes at once and to re-run after a
 * crash: the record moves first (only if still queued), then the job is added further down by id,
 * and only then removed here. Answers how many jobs left the level.
 */
export async function sweepLevel(
  ctx: WorkerContext,
  level: LevelConfig,
  queue: SweptQueue,
  batch = 500,
): Promise<number> {
  let moved = 0;
  for (const kind of SWEPT) {
    const jobs = await queue.getJobs([kind], 0, batch - 1, true);
    for (const job of jobs) if (await moveWaitingJob(ctx, level, job)) moved++;
  }
  return moved;
}

async function moveWaitingJob(
  ctx: WorkerContext,
  level: LevelConfig,
  job: SweptJob,
): Promise<boolean> {
  const { input, meta: given } = splitJobData(job.data);
  const parsed = reparseJob(input);
  // An invalid raw job is left for the worker, which fails it with its reasons once the level is back.
  if (!parsed.ok) return false;
  const resolved = jobMetaAt(ctx.levels, level, parsed.job, given, job.timestamp);
  // A raw job naming a level or floor that cannot be is left for the worker to fail with reasons.
  if (!resolved.ok) return false;
  const meta = resolved.meta;
  const identity = jobIdentity(job);
  const id = identity.id;
  const record =
    (await ctx.results.get(id)) ??
    (await ctx.results.claim(initialRecord({ id, job: parsed.job, meta, level, status: 'queued' })))
      .record;
  if (identity.alias !== undefined) await ctx.results.alias(identity.alias, id);
  if (isFinal(record.status) || record.level > level.level) {
    await repairStaleCopy(ctx, record.status, record.level, job);
    await job.remove().catch(() => undefined);
    return true;
  }
  if (record.status !== 'queued') return false;
  const trail = [
    ...record.attempts,
    {
      level: level.level,
      level_name: level.name,
      outcome: 'skipped' as const,
      reason: 'level_down' as const,
      at: new Date(ctx.clock.now()).toISOString(),
    },
  ];
  const deadlineAt =
    parsed.job.deadline_ms === undefined ? null : meta.enqueued_at + parsed.job.deadline_ms;
  const moved = await moveDown(ctx, {
    level,
    job: parsed.job,
    meta,
    record,
    trail,
    startedAtMs: null,
    deadlineAt,
    requireStatus: 'queued',
  });
  if (moved.status === 'skipped') return false;
  // A job a worker locked meanwhile cannot be removed; its record already sent it on, so the
  // worker will find the copy stale.
  await job.remove().catch(() => undefined);
  return true;
}
