import { UnrecoverableError, type Job } from 'bullmq';
import type { LevelConfig } from '../config/types.js';
import { requestHash } from '../cache/request-hash.js';
import { isCacheable } from '../cache/response-cache.js';
import { skipReasonFor } from '../levels/availability.js';
import { splitJobData, type LadderJobMeta } from '../jobs/job-data.js';
import { parseJob } from '../ladder/job-schema.js';
import { jobMetaAt } from './raw-job-meta.js';
import { isFinal, type Attempt, type JobResult } from '../ladder/result.js';
import type { WorkerContext } from './context.js';
import { completedRecord, failedRecord, initialRecord } from '../jobs/records.js';
import { addOptions, JOB_NAME } from '../jobs/queues.js';
import { jobIdentity } from './job-identity.js';
import { routeDown, type JobAtLevel } from './route-down.js';
import { endJob, releaseWhenReplicated } from '../results/final-record.js';
import { serveLevel, type ServeOutcome } from './serve-level.js';
import { QuotaGate } from './quota-gate.js';
import { requeueInterrupted } from './requeue-interrupted.js';
import { resumeQuota } from '../quota/wait-decision.js';
import { endLevelStream, finalStreamOf, openJobStream, trackAttempts } from './stream-hook.js';

/** What the BullMQ job returns; the result record is what callers read. */
export type JobSummary =
  | { status: 'completed' | 'failed'; level: number }
  | { status: 'rerouted'; to: number }
  | { status: 'skipped'; why: string };

/**
 * A copy of a job found above the level its record names: either a duplicate, or the job left
 * behind by a process that died between moving the record and adding the job further down. Adding
 * it there by id is a no-op in the first case and the repair in the second.
 */
export async function repairStaleCopy(
  ctx: WorkerContext,
  status: string,
  recordLevel: number,
  job: Job,
): Promise<void> {
  if (status !== 'queued') return;
  const target = ctx.levels[recordLevel - 1];
  if (!target) return;
  await ctx
    .queue(target.name)
    .add(JOB_NAME, job.data, addOptions(jobIdentity(job).id, job.data as object));
}

/** Runs one BullMQ job at one level: serve it here, move it down, or end it. */
export async function processJob(
  ctx: WorkerContext,
  level: LevelConfig,
  job: Job,
  token?: string,
): Promise<JobSummary> {
  const startedAtMs = ctx.clock.now();
  const { input, meta: givenMeta } = splitJobData(job.data);
  const parsed = parseJob(input);
  // The job's own id names its record; a raw producer's differing BullMQ id becomes an alias of it.
  const identity = jobIdentity(job);
  const id = identity.id;
  const enqueuedAt = givenMeta?.enqueued_at ?? job.timestamp;
  const resolved = parsed.ok
    ? jobMetaAt(ctx.levels, level, parsed.job, givenMeta, enqueuedAt)
    : {
        ok: false as const,
        message: `invalid job: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      };
  const fallbackMeta: LadderJobMeta = {
    entry_level: level.level,
    floor: level.level,
    enqueued_at: enqueuedAt,
  };
  const claim = await ctx.results.claim(
    initialRecord({
      id,
      job: parsed.ok ? parsed.job : {},
      meta: resolved.ok ? resolved.meta : fallbackMeta,
      level,
      status: 'active',
    }),
    { activate: true },
  );
  if (identity.alias !== undefined) await ctx.results.alias(identity.alias, id);
  if (claim.held) {
    // A run before this one wrote the answer and died before a replica confirmed it.
    await releaseWhenReplicated(
      ctx,
      id,
      parsed.ok ? finalStreamOf(ctx, parsed.job, id) : undefined,
    );
    return { status: 'skipped', why: `already ${claim.status} (held answer released)` };
  }
  if (!claim.created && isFinal(claim.status))
    return { status: 'skipped', why: `already ${claim.status}` };
  if (!claim.created && claim.level > level.level) {
    await repairStaleCopy(ctx, claim.status, claim.level, job);
    return { status: 'skipped', why: `the job is at level ${claim.level} already` };
  }
  // A job back from a quota wait adds that wait to its totals.
  const quota = resumeQuota(resolved.ok ? resolved.meta.quota : undefined, startedAtMs);
  const record: JobResult = {
    ...claim.record,
    status: 'active',
    timing: { ...claim.record.timing, quota_wait_ms: quota.total_ms },
  };

  if (!resolved.ok || !parsed.ok) {
    const message = resolved.ok ? 'invalid job' : resolved.message;
    await endJob(
      ctx,
      failedRecord({
        record,
        level,
        message,
        errorClass: 'invalid',
        attempts: record.attempts,
        nowMs: ctx.clock.now(),
        startedAtMs,
      }),
    );
    throw new UnrecoverableError(message);
  }

  const meta = resolved.meta;
  const stream = await openJobStream(ctx, parsed.job, id);
  const attempts: Attempt[] = stream
    ? trackAttempts(record.attempts, stream)
    : [...record.attempts];
  const deadlineAt =
    parsed.job.deadline_ms === undefined ? null : meta.enqueued_at + parsed.job.deadline_ms;
  // The exact check (budgets read from Redis) as the job starts here: concurrent workers cannot
  // overspend by more than the jobs already in flight.
  const agent =
    typeof parsed.job.metadata?.agent === 'string' ? parsed.job.metadata.agent : undefined;
  const refused = level.kind === 'llm' ? await ctx.availability.admit?.(level, { agent }) : null;
  if (refused)
    attempts.push({
      level: level.level,
      level_name: level.name,
      outcome: 'skipped',
      reason: skipReasonFor(refused),
      at: new Date(ctx.clock.now()).toISOString(),
    });
  const { parked: _parked, ...kept } = quota;
  const gate = new QuotaGate(ctx, {
    bull: job,
    token,
    job: parsed.job,
    jobId: id,
    meta,
    quota: kept,
    record,
    attempts,
    level,
    deadlineAt,
  });
  const outcome: ServeOutcome = refused
    ? { kind: 'move_on' }
    : await serveLevel(ctx, {
        level,
        job: parsed.job,
        jobId: id,
        deadlineAt,
        prefer: meta.prefer,
        attempts,
        gate,
        stream: stream ?? undefined,
      });
  if (outcome.kind === 'interrupted')
    return requeueInterrupted(ctx, { job, token, record, attempts });
  await endLevelStream(stream, level, outcome.kind === 'served' ? outcome : null);
  return settle(ctx, {
    level,
    job: parsed.job,
    meta: { ...meta, quota: kept },
    record,
    attempts,
    outcome,
    startedAtMs,
    deadlineAt,
  });
}

async function settle(
  ctx: WorkerContext,
  s: JobAtLevel & { startedAtMs: number; outcome: ServeOutcome },
): Promise<JobSummary> {
  const { level, record, attempts, outcome } = s;
  const nowMs = ctx.clock.now();
  if (outcome.kind === 'served') {
    const target = outcome.target;
    const done = completedRecord({
      record,
      level,
      source: outcome.source,
      completion: outcome.completion,
      provider: target?.provider,
      model: target?.model,
      costUsd: target
        ? ctx.cost(target, outcome.completion.usage)
        : outcome.source === 'llm'
          ? null
          : 0,
      attempts,
      nowMs,
      startedAtMs: s.startedAtMs,
    });
    // The answer goes to the response cache in the same round trip as the final record, unless
    // it was cut off (isCacheable).
    const cache =
      outcome.source === 'llm' &&
      target &&
      s.job.cache !== false &&
      isCacheable(outcome.completion.output)
        ? ctx.cache.entry(requestHash(s.job.request), {
            output: outcome.completion.output,
            usage: outcome.completion.usage,
            provider: target.provider,
            model: target.model,
            level: level.level,
            at: new Date(nowMs).toISOString(),
          })
        : undefined;
    const served = outcome.source === 'cache' ? { cachedUsage: outcome.cachedUsage } : undefined;
    await endJob(ctx, done, { cache, stream: finalStreamOf(ctx, s.job, record.id), served });
    return { status: 'completed', level: level.level };
  }
  if (outcome.kind === 'superseded') {
    return { status: 'skipped', why: `another run made the result ${outcome.status}` };
  }
  if (outcome.kind === 'caller') {
    const message = `${outcome.error.provider}/${outcome.error.model} refused the request (${outcome.error.status ?? 'no status'}): ${outcome.error.message}`;
    await endJob(
      ctx,
      failedRecord({
        record,
        level,
        message,
        errorClass: 'caller',
        attempts,
        nowMs,
        startedAtMs: s.startedAtMs,
      }),
      { stream: finalStreamOf(ctx, s.job, record.id) },
    );
    throw new UnrecoverableError(message);
  }
  return moveDown(ctx, s);
}

async function moveDown(
  ctx: WorkerContext,
  s: JobAtLevel & { startedAtMs: number },
): Promise<JobSummary> {
  const routed = await routeDown(ctx, { ...s, requireStatus: 'active' });
  if (routed.kind === 'failed') throw new UnrecoverableError(routed.message);
  if (routed.kind === 'raced')
    return { status: 'skipped', why: `the record became ${routed.status ?? 'unknown'}` };
  return { status: 'rerouted', to: routed.to };
}
