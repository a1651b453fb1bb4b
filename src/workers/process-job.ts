import { UnrecoverableError, type Job } from 'bullmq';
import type { LevelConfig } from '../config/types.js';
import { requestHash } from '../cache/request-hash.js';
import { firstAvailableLevel } from '../ladder/availability.js';
import { META_KEY, splitJobData, type LadderJobMeta } from '../ladder/job-data.js';
import { parseJob, type JobInput } from '../ladder/job-schema.js';
import { resolveJobLevels } from '../ladder/resolve-job.js';
import { isFinal, type Attempt, type JobResult } from '../ladder/result.js';
import { JOB_NAME } from '../producer/queues.js';
import type { WorkerContext } from './context.js';
import { describeAttempts } from './failure-message.js';
import { completedRecord, failedRecord, initialRecord } from './records.js';
import { serveLevel, type ServeOutcome } from './serve-level.js';

/** What the BullMQ job returns; the result record is what callers read. */
export type JobSummary =
  | { status: 'completed' | 'failed'; level: number }
  | { status: 'rerouted'; to: number }
  | { status: 'skipped'; why: string };

/** Raw BullMQ jobs carry no routing facts: the queue they were added to is their entry level. */
function metaFor(ctx: WorkerContext, level: LevelConfig, job: JobInput, given: LadderJobMeta | undefined, enqueuedAt: number): LadderJobMeta | string {
  if (given) return given;
  const resolved = resolveJobLevels({ version: 1, levels: ctx.levels, complexity: { simple: 1, standard: 1, complex: 1 }, max_queue_depth: null }, { ...job, level: undefined, complexity: undefined });
  if (!resolved.ok) return resolved.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  if (resolved.levels.floor < level.level) return `floor: floor ${resolved.levels.floor} is above level ${level.level}, the queue this job was added to`;
  return { entry_level: level.level, floor: resolved.levels.floor, enqueued_at: enqueuedAt };
}

/** Runs one BullMQ job at one level: serve it here, move it down, or end it. */
export async function processJob(ctx: WorkerContext, level: LevelConfig, job: Job): Promise<JobSummary> {
  const startedAtMs = ctx.clock.now();
  const { input, meta: givenMeta } = splitJobData(job.data);
  const parsed = parseJob(input);
  // The job's own id names its record; BullMQ's id is the same unless a raw producer chose another.
  const id = (parsed.ok ? parsed.job.id : undefined) ?? job.id ?? '';
  const enqueuedAt = givenMeta?.enqueued_at ?? job.timestamp;
  const meta: LadderJobMeta | string = parsed.ok
    ? metaFor(ctx, level, parsed.job, givenMeta, enqueuedAt)
    : `invalid job: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
  const fallbackMeta: LadderJobMeta = { entry_level: level.level, floor: level.level, enqueued_at: enqueuedAt };
  const claim = await ctx.results.claim(
    initialRecord({ id, job: parsed.ok ? parsed.job : {}, meta: typeof meta === 'string' ? fallbackMeta : meta, level, status: 'active' }),
    { activate: true },
  );
  if (!claim.created && isFinal(claim.status)) return { status: 'skipped', why: `already ${claim.status}` };
  if (!claim.created && claim.level > level.level) return { status: 'skipped', why: `the job is at level ${claim.level} already` };
  const record: JobResult = { ...claim.record, status: 'active' };

  if (typeof meta === 'string' || !parsed.ok) {
    const message = typeof meta === 'string' ? meta : 'invalid job';
    await finish(ctx, failedRecord({ record, level, message, errorClass: 'invalid', attempts: record.attempts, nowMs: ctx.clock.now(), startedAtMs }));
    throw new UnrecoverableError(message);
  }

  const attempts: Attempt[] = [...record.attempts];
  const deadlineAt = parsed.job.deadline_ms === undefined ? null : meta.enqueued_at + parsed.job.deadline_ms;
  const outcome = await serveLevel(ctx, { level, job: parsed.job, jobId: id, deadlineAt, prefer: meta.prefer, attempts });
  return settle(ctx, { level, job: parsed.job, meta, record, attempts, outcome, startedAtMs, deadlineAt });
}

async function settle(
  ctx: WorkerContext,
  s: { level: LevelConfig; job: JobInput; meta: LadderJobMeta; record: JobResult; attempts: Attempt[]; outcome: ServeOutcome; startedAtMs: number; deadlineAt: number | null },
): Promise<JobSummary> {
  const { level, record, attempts, outcome } = s;
  const nowMs = ctx.clock.now();
  if (outcome.kind === 'served') {
    const target = outcome.target;
    const done = completedRecord({
      record, level, source: outcome.source, completion: outcome.completion,
      provider: target?.provider, model: target?.model,
      costUsd: target ? ctx.cost(target, outcome.completion.usage) : outcome.source === 'llm' ? null : 0,
      attempts, nowMs, startedAtMs: s.startedAtMs,
    });
    const writes: Promise<unknown>[] = [finish(ctx, done)];
    if (outcome.source === 'llm' && target && s.job.cache !== false) {
      writes.push(ctx.cache.set(requestHash(s.job.request), {
        output: outcome.completion.output, usage: outcome.completion.usage,
        provider: target.provider, model: target.model, level: level.level, at: new Date(nowMs).toISOString(),
      }));
    }
    await Promise.all(writes);
    return { status: 'completed', level: level.level };
  }
  if (outcome.kind === 'caller') {
    const message = `${outcome.error.provider}/${outcome.error.model} refused the request (${outcome.error.status ?? 'no status'}): ${outcome.error.message}`;
    await finish(ctx, failedRecord({ record, level, message, errorClass: 'caller', attempts, nowMs, startedAtMs: s.startedAtMs }));
    throw new UnrecoverableError(message);
  }
  return moveDown(ctx, s);
}

/** Sends the job to the next level that can take it, or fails it at its floor. */
async function moveDown(
  ctx: WorkerContext,
  s: { level: LevelConfig; job: JobInput; meta: LadderJobMeta; record: JobResult; attempts: Attempt[]; startedAtMs: number; deadlineAt: number | null },
): Promise<JobSummary> {
  const { level, meta, record, attempts } = s;
  const pastDeadline = s.deadlineAt !== null && ctx.clock.now() >= s.deadlineAt;
  const agent = typeof s.job.metadata?.agent === 'string' ? s.job.metadata.agent : undefined;
  const next = firstAvailableLevel({
    levels: ctx.levels,
    from: level.level + 1,
    floor: meta.floor,
    availability: {
      // Past its deadline a job may still take an instant answer, but no more LLM calls.
      unavailable: (l, c) => (pastDeadline && l.kind === 'llm' ? 'deadline' : ctx.availability.unavailable(l, c)),
    },
    context: { agent },
  });
  const at = new Date(ctx.clock.now()).toISOString();
  for (const skip of next.skipped) {
    attempts.push({ level: skip.level.level, level_name: skip.level.name, outcome: 'skipped', reason: skip.reason, at });
  }
  if (next.level === null) {
    const lastError = [...attempts].reverse().find((a) => a.outcome === 'error');
    const errorClass = pastDeadline ? 'deadline' : (lastError?.class ?? 'transient');
    const message = `${pastDeadline ? 'deadline passed' : `no level down to the floor (${meta.floor}) could serve the job`}: ${describeAttempts(attempts)}`;
    await finish(ctx, failedRecord({ record, level, message, errorClass, attempts, nowMs: ctx.clock.now(), startedAtMs: s.startedAtMs }));
    throw new UnrecoverableError(message);
  }
  const target = ctx.levels[next.level - 1];
  if (!target) throw new Error(`the ladder has no level ${next.level}`);
  // Add first, then move the record: a crash in between re-runs this level's job, whose re-add
  // is deduplicated by job id, so the job is never in no queue at all.
  await ctx.queue(target.name).add(JOB_NAME, { ...s.job, [META_KEY]: { ...meta, prefer: undefined } }, { jobId: record.id });
  await ctx.results.write({
    ...record,
    status: 'queued',
    level: target.level,
    level_name: target.name,
    attempts,
    timing: { ...record.timing, started_at: record.timing.started_at ?? new Date(s.startedAtMs).toISOString() },
  });
  ctx.logger.info({ job_id: record.id, ladder_level: level.name, to: target.name }, 'job moved down the ladder');
  return { status: 'rerouted', to: target.level };
}

async function finish(ctx: WorkerContext, result: JobResult): Promise<void> {
  const written = await ctx.results.write(result);
  if (!written.written) return;
  ctx.observer.jobFinished?.(result);
  ctx.logger.info(
    { job_id: result.id, ladder_level: result.level_name, status: result.status, source: result.source, provider_target: result.provider ? `${result.provider}/${result.model}` : undefined, degraded: result.degraded },
    result.status === 'completed' ? 'job completed' : 'job failed',
  );
}
