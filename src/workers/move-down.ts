import type { LevelConfig } from '../config/types.js';
import { firstAvailableLevel } from '../levels/availability.js';
import { META_KEY, type LadderJobMeta } from '../jobs/job-data.js';
import { jobAgent, type JobInput } from '../ladder/job-schema.js';
import type { Attempt, JobResult } from '../ladder/result.js';
import { addOptions, JOB_NAME } from '../jobs/queues.js';
import { endJob } from '../results/final-record.js';
import type { LevelJob, WorkerContext } from './context.js';
import { describeAttempts } from './failure-message.js';
import { failedRecord } from '../jobs/records.js';
import { finalStreamOf } from './stream-hook.js';
import type { JobSummary } from './outcome.js';
import { jobIdentity } from './job-identity.js';

/** A job as it stands at one level: what the worker and the sweep both know of it. */
export interface JobAtLevel {
  level: LevelConfig;
  job: JobInput;
  meta: LadderJobMeta;
  record: JobResult;
  /** The job's whole trail so far, this level's attempts included. */
  trail: Attempt[];
  /** When this process started on the job; null for a job moved while it waited. */
  startedAtMs: number | null;
  deadlineAt: number | null;
}

/** Where a job goes from a level: the next level that takes it (null: none above the floor). */
export interface MovePlan {
  to: LevelConfig | null;
  /** The levels passed over on the way, as trail entries. */
  skipped: Attempt[];
  pastDeadline: boolean;
}

/**
 * The next level below `level` that takes new jobs, never below the job's floor. Past its deadline
 * a job may still take an instant answer (cache, static), but no more LLM calls.
 */
export function planMoveDown(
  ctx: Pick<WorkerContext, 'clock' | 'levels' | 'availability'>,
  s: Pick<JobAtLevel, 'level' | 'job' | 'meta' | 'deadlineAt'>,
): MovePlan {
  const now = ctx.clock.now();
  const pastDeadline = s.deadlineAt !== null && now >= s.deadlineAt;
  const agent = jobAgent(s.job);
  const next = firstAvailableLevel({
    levels: ctx.levels,
    from: s.level.level + 1,
    floor: s.meta.floor,
    availability: {
      unavailable: (l, c) =>
        pastDeadline && l.kind === 'llm' ? 'deadline' : ctx.availability.unavailable(l, c),
    },
    context: { agent },
  });
  const at = new Date(now).toISOString();
  const skipped: Attempt[] = next.skipped.map((skip) => ({
    level: skip.level.level,
    level_name: skip.level.name,
    outcome: 'skipped',
    reason: skip.reason,
    at,
  }));
  const to = next.level === null ? null : ctx.levels[next.level - 1];
  if (to === undefined) throw new Error(`the ladder has no level ${String(next.level)}`);
  return { to, skipped, pastDeadline };
}

/**
 * Moves a job from `level` down to the level `plan` names, or fails it at its floor. Used by a
 * worker when a level could not serve a job, and by the sweep that empties a down level. The
 * record moves first (only while it has `requireStatus`: `active` for the worker's own job,
 * `queued` for a sweep), then the job is added to the next level's queue.
 */
export async function moveDown(
  ctx: WorkerContext,
  s: JobAtLevel & { requireStatus: 'active' | 'queued' },
  plan: MovePlan = planMoveDown(ctx, s),
): Promise<Exclude<JobSummary, { status: 'completed' }>> {
  const { level, meta, record } = s;
  const trail = [...s.trail, ...plan.skipped];
  const now = ctx.clock.now();
  if (plan.to === null) {
    const lastError = [...trail].reverse().find((a) => a.outcome === 'error');
    const errorClass = plan.pastDeadline ? 'deadline' : (lastError?.class ?? 'transient');
    const message = `${plan.pastDeadline ? 'deadline passed' : `no level down to the floor (${meta.floor}) could serve the job`}: ${describeAttempts(trail)}`;
    await endJob(
      ctx,
      failedRecord({
        record,
        level,
        message,
        errorClass,
        attempts: trail,
        nowMs: now,
        startedAtMs: s.startedAtMs ?? now,
      }),
      { stream: finalStreamOf(ctx, s.job, record.id) },
    );
    return { status: 'failed', level: level.level, message };
  }
  const target = plan.to;
  // The record moves first: from then on a copy of the job left at this level (a crash before
  // the add below) is recognised as stale by any worker or sweep, which re-adds it further down.
  const startedAt =
    record.timing.started_at ??
    (s.startedAtMs === null ? undefined : new Date(s.startedAtMs).toISOString());
  const moved = await ctx.results.write(
    {
      ...record,
      status: 'queued',
      level: target.level,
      level_name: target.name,
      attempts: trail,
      timing: { ...record.timing, ...(startedAt ? { started_at: startedAt } : {}) },
    },
    { requireStatus: s.requireStatus },
  );
  if (!moved.written)
    return { status: 'skipped', why: `the record became ${moved.status ?? 'unknown'}` };
  const { prefer: _prefer, ...kept } = meta;
  await ctx
    .queue(target.name)
    .add(JOB_NAME, { ...s.job, [META_KEY]: kept }, addOptions(record.id, s.job));
  ctx.logger.info(
    { job_id: record.id, ladder_level: level.name, to: target.name },
    'job moved down the ladder',
  );
  return { status: 'rerouted', to: target.level };
}

/**
 * A copy of a job found above the level its record names: either a duplicate, or the job left
 * behind by a process that died between moving the record and adding the job further down. Adding
 * it there by id is a no-op in the first case and the repair in the second.
 */
export async function repairStaleCopy(
  ctx: WorkerContext,
  status: string,
  recordLevel: number,
  job: Pick<LevelJob, 'id' | 'data' | 'timestamp' | 'queueName'>,
): Promise<void> {
  if (status !== 'queued') return;
  const target = ctx.levels[recordLevel - 1];
  if (!target) return;
  await ctx
    .queue(target.name)
    .add(JOB_NAME, job.data, addOptions(jobIdentity(job).id, job.data as object));
}
