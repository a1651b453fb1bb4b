import { DelayedError, type Job } from 'bullmq';
import type { LevelConfig, TargetRef } from '../config/types.js';
import { META_KEY, type LadderJobMeta } from '../jobs/job-data.js';
import { jobAgent, type JobInput } from '../ladder/job-schema.js';
import type { Attempt, JobResult } from '../ladder/result.js';
import { DEFAULT_PRIORITY } from '../jobs/queues.js';
import type { Completion } from '../providers/contract.js';
import type { ProviderError } from '../providers/provider-error.js';
import { estimateTokens } from '../quota/estimate.js';
import type { Lease } from '../quota/types.js';
import { decideWait } from '../quota/wait-decision.js';
import type { QuotaMeta } from '../quota/types.js';
import type { WorkerContext } from './context.js';

/** What the gate answers before a call: call now (with a lease to settle), or skip the target. */
export type GateAnswer = { kind: 'go'; lease: Lease | null } | { kind: 'skip'; attempt: Attempt };

/** The job as the gate needs it; `quota` is updated in place as waits end and begin. */
export interface GatedJob {
  bull: Pick<Job, 'updateData' | 'moveToDelayed'>;
  /** BullMQ's lock token: moving the job to delayed needs it. */
  token: string | undefined;
  job: JobInput;
  jobId: string;
  meta: LadderJobMeta;
  quota: QuotaMeta;
  record: JobResult;
  /** The job's trail as it came to this level; a parked job's record gets it and the level's. */
  trail: readonly Attempt[];
  level: LevelConfig;
  deadlineAt: number | null;
}

/** 429 and Gemini's RESOURCE_EXHAUSTED (also 429 on the wire): saturated, not down. */
export function isRateLimited(error: ProviderError): boolean {
  return error.status === 429 || /RESOURCE_EXHAUSTED/.test(error.message);
}

/**
 * The quota scheduler's hook into the core loop: an admission check before each call, and the
 * call's end after it. A job that must wait and can (deadline, cap) goes back to its queue delayed
 * (no worker slot held, no retry used); one that cannot skips the target with reason `quota`.
 */
export class QuotaGate {
  /** Recent call latency per target (EWMA), for the room kept after a wait. */
  private static latency = new Map<string, number>();

  constructor(
    private readonly ctx: WorkerContext,
    private readonly g: GatedJob,
  ) {}

  /** Whether `before` has anything to check for `target`: without a scheduler for it, no. */
  manages(target: TargetRef): boolean {
    return this.ctx.quota?.managed(target.id) ?? false;
  }

  /** `madeHere`: the attempts made at this level so far, which a parked job's record keeps. */
  async before(
    target: TargetRef,
    callTimeoutMs: number,
    madeHere: readonly Attempt[],
  ): Promise<GateAnswer> {
    const quota = this.ctx.quota;
    if (!quota?.managed(target.id)) return { kind: 'go', lease: null };
    const admission = await quota.admit({
      target,
      ticket: this.g.jobId,
      agent: jobAgent(this.g.job),
      priority: this.g.job.priority ?? DEFAULT_PRIORITY,
      estimatedTokens: estimateTokens(this.g.job.request),
      callTimeoutMs,
    });
    if (admission.kind === 'go') return admission;
    const now = this.ctx.clock.now();
    const waitedMs = this.g.quota.waits[target.id] ?? 0;
    const decision = decideWait({
      waitMs: admission.waitMs,
      waitedMs,
      capMs: this.ctx.fallback.retryAfterCapMs,
      deadlineAt: this.g.deadlineAt,
      nowMs: now,
      reserveMs: Math.max(1000, 2 * (QuotaGate.latency.get(target.id) ?? 0)),
    });
    this.ctx.observer.quotaWait?.({
      target,
      level: this.g.level,
      waitMs: admission.waitMs,
      reason: decision.wait ? admission.reason : `gave_up_${decision.why}`,
    });
    if (decision.wait) return this.park(target, admission.waitMs, madeHere);
    await quota.leave(target.id, this.g.jobId);
    const attempt: Attempt = {
      level: this.g.level.level,
      level_name: this.g.level.name,
      provider: target.provider,
      model: target.model,
      outcome: 'skipped',
      reason: 'quota',
      waited_ms: waitedMs,
      at: new Date(now).toISOString(),
    };
    return { kind: 'skip', attempt };
  }

  /**
   * After a successful call. No promise when there is nothing to settle (the usual case): the
   * caller awaits only what needs it.
   */
  served(
    lease: Lease | null,
    target: TargetRef,
    completion: Completion,
    latencyMs: number,
  ): Promise<unknown> | undefined {
    const prev = QuotaGate.latency.get(target.id);
    QuotaGate.latency.set(target.id, prev === undefined ? latencyMs : prev * 0.8 + latencyMs * 0.2);
    if (!lease || !this.ctx.quota) return undefined;
    return this.ctx.quota.settle(lease, {
      kind: 'ok',
      usage: completion.usage,
      rateLimit: completion.rateLimit ?? null,
    });
  }

  /**
   * After a failed call. Answers true when it was a rate limit on a managed target: the caller
   * then asks `before` again (which parks the job or skips the target) instead of retrying.
   */
  async failed(lease: Lease | null, target: TargetRef, error: ProviderError): Promise<boolean> {
    const quota = this.ctx.quota;
    const limited = isRateLimited(error);
    if (limited) this.ctx.observer.rateLimited?.({ target, level: this.g.level });
    if (!quota || !lease) return false;
    if (limited && quota.managed(target.id)) {
      await quota.settle(lease, {
        kind: 'saturated',
        retryAfterMs: error.retryAfterMs,
        rateLimit: error.rateLimit,
      });
      return true;
    }
    await quota.settle(lease, { kind: 'other' });
    return false;
  }

  /** Releases a lease whose call never happened (the breaker refused, the deadline passed). */
  async unused(lease: Lease | null): Promise<void> {
    if (lease && this.ctx.quota) await this.ctx.quota.settle(lease, { kind: 'other' });
  }

  /**
   * Back to the queue until the target has room: the record says queued again (with the trail so
   * far), the job data remembers what it waited for, and BullMQ holds it delayed. Never returns.
   */
  private async park(
    target: TargetRef,
    waitMs: number,
    madeHere: readonly Attempt[],
  ): Promise<never> {
    const { bull, record } = this.g;
    const now = this.ctx.clock.now();
    const quota: QuotaMeta = { ...this.g.quota, parked: { target: target.id, at: now } };
    await this.ctx.results.write(
      {
        ...record,
        status: 'queued',
        attempts: [...this.g.trail, ...madeHere],
        timing: { ...record.timing, quota_wait_ms: this.g.quota.total_ms },
      },
      { requireStatus: 'active' },
    );
    await bull.updateData({ ...this.g.job, [META_KEY]: { ...this.g.meta, quota } });
    await bull.moveToDelayed(now + Math.max(1, waitMs), this.g.token);
    throw new DelayedError();
  }
}
