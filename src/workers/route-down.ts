import type { LevelConfig } from '../config/types.js';
import { firstAvailableLevel } from '../levels/availability.js';
import { META_KEY, type LadderJobMeta } from '../jobs/job-data.js';
import type { JobInput } from '../ladder/job-schema.js';
import type { Attempt, JobResult } from '../ladder/result.js';
import { addOptions, JOB_NAME } from '../jobs/queues.js';
import { endJob } from '../results/final-record.js';
import type { WorkerContext } from './context.js';
import { describeAttempts } from './failure-message.js';
import { failedRecord } from '../jobs/records.js';
import { finalStreamOf } from './stream-hook.js';

export type RouteOutcome =
  | { kind: 'rerouted'; to: number }
  | { kind: 'failed'; message: string }
  /** The record changed under us (another process took the job); nothing was moved. */
  | { kind: 'raced'; status: string | null };

/** A job as it stands at one level: what the worker and the sweep both know of it. */
export interface JobAtLevel {
  level: LevelConfig;
  job: JobInput;
  meta: LadderJobMeta;
  record: JobResult;
  attempts: Attempt[];
  /** When this process started on the job; null for a job moved while it waited. */
  startedAtMs: number | null;
  deadlineAt: number | null;
}

/**
 * Sends a job from `level` to the next level that takes new jobs, or fails it at its floor. Used
 * by a worker when a level could not serve a job, and by the sweep that empties a down level.
 */
export async function routeDown(
  ctx: WorkerContext,
  s: JobAtLevel & {
    /** The status the record must still have: `active` for the worker's own job, `queued` for a sweep. */
    requireStatus: 'active' | 'queued';
  },
): Promise<RouteOutcome> {
  const { level, meta, record, attempts } = s;
  const now = ctx.clock.now();
  const pastDeadline = s.deadlineAt !== null && now >= s.deadlineAt;
  const agent = typeof s.job.metadata?.agent === 'string' ? s.job.metadata.agent : undefined;
  const next = firstAvailableLevel({
    levels: ctx.levels,
    from: level.level + 1,
    floor: meta.floor,
    availability: {
      // Past its deadline a job may still take an instant answer, but no more LLM calls.
      unavailable: (l, c) =>
        pastDeadline && l.kind === 'llm' ? 'deadline' : ctx.availability.unavailable(l, c),
    },
    context: { agent },
  });
  const at = new Date(now).toISOString();
  for (const skip of next.skipped) {
    attempts.push({
      level: skip.level.level,
      level_name: skip.level.name,
      outcome: 'skipped',
      reason: skip.reason,
      at,
    });
  }
  if (next.level === null) {
    const lastError = [...attempts].reverse().find((a) => a.outcome === 'error');
    const errorClass = pastDeadline ? 'deadline' : (lastError?.class ?? 'transient');
    const message = `${pastDeadline ? 'deadline passed' : `no level down to the floor (${meta.floor}) could serve the job`}: ${describeAttempts(attempts)}`;
    await endJob(
      ctx,
      failedRecord({
        record,
        level,
        message,
        errorClass,
        attempts,
        nowMs: now,
        startedAtMs: s.startedAtMs ?? now,
      }),
      { stream: finalStreamOf(ctx, s.job, record.id) },
    );
    return { kind: 'failed', message };
  }
  const target = ctx.levels[next.level - 1];
  if (!target) throw new Error(`the ladder has no level ${next.level}`);
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
      attempts,
      timing: { ...record.timing, ...(startedAt ? { started_at: startedAt } : {}) },
    },
    { requireStatus: s.requireStatus },
  );
  if (!moved.written) return { kind: 'raced', status: moved.status };
  const { prefer: _prefer, ...kept } = meta;
  await ctx
    .queue(target.name)
    .add(JOB_NAME, { ...s.job, [META_KEY]: kept }, addOptions(record.id, s.job));
  ctx.logger.info(
    { job_id: record.id, ladder_level: level.name, to: target.name },
    'job moved down the ladder',
  );
  return { kind: 'rerouted', to: target.level };
}
