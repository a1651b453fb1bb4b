import { UnrecoverableError } from 'bullmq';
import type { LevelConfig } from '../config/types.js';
import { requestHash } from '../cache/request-hash.js';
import { isCacheable } from '../cache/response-cache.js';
import { skipReasonFor } from '../levels/availability.js';
import { splitJobData, type LadderJobMeta } from '../jobs/job-data.js';
import { jobAgent, reparseJob } from '../ladder/job-schema.js';
import { jobMetaAt } from './raw-job-meta.js';
import { isFinal, type Attempt, type JobResult } from '../ladder/result.js';
import type { LevelJob, WorkerContext } from './context.js';
import { completedRecord, failedRecord, initialRecord } from '../jobs/records.js';
import { jobIdentity } from './job-identity.js';
import { moveDown, planMoveDown, repairStaleCopy, type JobAtLevel } from './move-down.js';
import { endJob, releaseWhenReplicated, writeFinalRecord } from '../results/final-record.js';
import { serveLevel } from './serve-level.js';
import { QuotaGate } from './quota-gate.js';
import { requeueInterrupted } from './requeue-interrupted.js';
import { resumeQuota } from '../quota/wait-decision.js';
import { endLevelStream, finalStreamOf, startJobStream } from './stream-hook.js';
import type { JobSummary, LevelOutcome } from './outcome.js';
import type { JobStreamSession } from '../streaming/session.js';
import type { QuotaMeta } from '../quota/types.js';
import type { JobHandoff } from './job-handoff.js';
import type { LockWatch } from './lock-watch.js';
import { isoTime } from '../util/iso-time.js';

/** What a run has of BullMQ's beyond the job: its lock, and the handoff of its worker. */
export interface JobRun {
  token?: string;
  /** A served job's final record is left to BullMQ's completion of the job (one Redis call). */
  handoff?: JobHandoff | null;
  /** The run's hold on the job's lock: a run that lost it makes no further provider call. */
  lock?: LockWatch;
}

/** A run that lost its lock: nothing written, the record being the holder's (BullMQ refuses the completion). */
const LOCK_LAPSED: JobSummary = {
  status: 'skipped',
  why: 'lock lapsed: the run that holds the job goes on',
};

/** Runs one BullMQ job at one level: serve it here, move it down, or end it. */
export async function processJob(
  ctx: WorkerContext,
  level: LevelConfig,
  job: LevelJob,
  run: JobRun = {},
): Promise<JobSummary> {
  const { token, handoff } = run;
  const startedAtMs = ctx.clock.now();
  const { input, meta: givenMeta } = splitJobData(job.data);
  const parsed = reparseJob(input);
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
  const opening = startJobStream(ctx, parsed.ok ? parsed.job : null, id);
  // The producer created the record in the usual case: the claim sends the initial one only when
  // there is none.
  const initial = (): JobResult =>
    initialRecord({
      id,
      job: parsed.ok ? parsed.job : {},
      meta: resolved.ok ? resolved.meta : fallbackMeta,
      level,
      status: 'active',
    });
  // With a handoff, the claim was usually made as BullMQ handed the job out.
  const claim = await (handoff && job.id !== undefined
    ? handoff.take(job.queueName, job.id, id, level.level, initial)
    : ctx.results.take(id, level.level, initial));
  if (identity.alias !== undefined) await ctx.results.alias(identity.alias, id);
  if (claim.held) {
    // A run before this one wrote the answer and died before a replica confirmed it.
    const stream = parsed.ok ? finalStreamOf(ctx, parsed.job, id) : undefined;
    // Nothing held any more and the record not final: the held write died with a master since the
    // claim read it. The claim's record is that held answer: it is written (held) again.
    if (!(await releaseWhenReplicated(ctx, id, stream)))
      await writeFinalRecord(ctx, claim.record, { stream });
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
  // The claim's record is this run's own copy (parsed from the claim's answer): set in place, as
  // a spread copy with an added field costs V8 about a microsecond per field (see records.ts).
  const record: JobResult = claim.record;
  record.status = 'active';
  record.timing.quota_wait_ms = quota.total_ms;

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
  const stream = opening === null ? null : await opening;
  const deadlineAt =
    parsed.job.deadline_ms === undefined ? null : meta.enqueued_at + parsed.job.deadline_ms;
  // The exact check (budgets read from Redis) as the job starts here: concurrent workers cannot
  // overspend by more than the jobs already in flight.
  const agent = jobAgent(parsed.job);
  const admitting = level.kind === 'llm' ? ctx.availability.admit?.(level, { agent }) : undefined;
  const refused = admitting === undefined ? null : await admitting;
  const kept: QuotaMeta = { waits: quota.waits, total_ms: quota.total_ms };
  const gate = new QuotaGate(ctx, {
    bull: job,
    token,
    job: parsed.job,
    jobId: id,
    meta,
    quota: kept,
    record,
    trail: record.attempts,
    level,
    deadlineAt,
  });
  const outcome: LevelOutcome = refused
    ? {
        kind: 'unserved',
        why: 'exhausted',
        attempts: told(stream, {
          level: level.level,
          level_name: level.name,
          outcome: 'skipped',
          reason: skipReasonFor(refused),
          at: isoTime(ctx.clock.now()),
        }),
      }
    : await serveLevel(ctx, {
        level,
        job: parsed.job,
        jobId: id,
        deadlineAt,
        prefer: meta.prefer,
        gate,
        stream: stream ?? undefined,
        lock: run.lock,
      });
  const trail = [...record.attempts, ...outcome.attempts];
  if (outcome.kind === 'interrupted') return requeueInterrupted(ctx, { job, token, record, trail });
  if (stream) await endLevelStream(stream, level, outcome.kind === 'served' ? outcome : null);
  // A run whose lock may have lapsed (a starved process) writes no final record and moves nothing
  // down unless it still holds the job: the run that holds it now may be about to call a provider,
  // a call that would come after this run's final record. A served answer left to the handoff is
  // checked in its completion script instead, with no round trip.
  const writes =
    outcome.kind === 'caller' ||
    outcome.kind === 'unserved' ||
    (outcome.kind === 'served' && !(handoff && job.id !== undefined));
  if (writes && run.lock?.mayHaveLapsed() === true && !(await run.lock.held())) return LOCK_LAPSED;
  return endLevel(
    ctx,
    {
      level,
      job: parsed.job,
      meta: withQuota(meta, kept),
      record,
      trail,
      startedAtMs,
      deadlineAt,
    },
    outcome,
    stream,
    handoff && job.id !== undefined ? { handoff, queue: job.queueName, bullId: job.id } : null,
  );
}

/** The job's routing facts with its quota waits so far (no spread: see records.ts). */
function withQuota(meta: LadderJobMeta, quota: QuotaMeta): LadderJobMeta {
  const next: LadderJobMeta = {
    entry_level: meta.entry_level,
    floor: meta.floor,
    enqueued_at: meta.enqueued_at,
  };
  if (meta.prefer !== undefined) next.prefer = meta.prefer;
  next.quota = quota;
  return next;
}

/** Attempts a streamed job's readers are told of as they join its trail. */
function told(stream: JobStreamSession | null, ...attempts: Attempt[]): Attempt[] {
  for (const attempt of attempts) stream?.attempt(attempt);
  return attempts;
}

/**
 * What follows a level's outcome: the answer becomes the final record (and a response-cache
 * entry), a caller's fault fails the job, and a job not served here moves down the ladder.
 */
async function endLevel(
  ctx: WorkerContext,
  s: JobAtLevel & { startedAtMs: number },
  outcome: Exclude<LevelOutcome, { kind: 'interrupted' }>,
  stream: JobStreamSession | null,
  deferTo: { handoff: JobHandoff; queue: string; bullId: string } | null,
): Promise<JobSummary> {
  const { level, record, trail } = s;
  const nowMs = ctx.clock.now();
  const finalStream = finalStreamOf(ctx, s.job, record.id);
  switch (outcome.kind) {
    case 'served': {
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
        attempts: trail,
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
              at: isoTime(nowMs),
            })
          : undefined;
      const served = outcome.source === 'cache' ? { cachedUsage: outcome.cachedUsage } : undefined;
      if (deferTo) {
        const { handoff, queue, bullId } = deferTo;
        handoff.defer(queue, bullId, done, { cache, stream: finalStream, served });
      } else await endJob(ctx, done, { cache, stream: finalStream, served });
      return { status: 'completed', level: level.level };
    }
    case 'superseded':
      return { status: 'skipped', why: `another run made the result ${outcome.status}` };
    case 'lock_lost':
      return LOCK_LAPSED;
    case 'caller': {
      const { error } = outcome;
      const message = `${error.provider}/${error.model} refused the request (${error.status ?? 'no status'}): ${error.message}`;
      await endJob(
        ctx,
        failedRecord({
          record,
          level,
          message,
          errorClass: 'caller',
          attempts: trail,
          nowMs,
          startedAtMs: s.startedAtMs,
        }),
        { stream: finalStream },
      );
      throw new UnrecoverableError(message);
    }
    case 'unserved': {
      const plan = planMoveDown(ctx, s);
      told(stream, ...plan.skipped);
      const moved = await moveDown(ctx, { ...s, requireStatus: 'active' }, plan);
      if (moved.status === 'failed') throw new UnrecoverableError(moved.message);
      return moved;
    }
  }
}
