import type { Permit } from '../breaker/types.js';
import type { LlmLevel, ProviderSettings, TargetRef } from '../config/types.js';
import type { CompletionRequest } from '../ladder/job-schema.js';
import type { Attempt } from '../ladder/result.js';
import type { Provider } from '../providers/contract.js';
import { ProviderError, isProviderError } from '../providers/provider-error.js';
import type { Lease } from '../quota/types.js';
import { checkAnswer, recordInvalidOutput } from './check-answer.js';
import type { WorkerContext } from './context.js';
import type { CallOutcome } from './next-step.js';
import { callTarget, sentChars } from './stream-hook.js';
import type { QuotaGate } from './quota-gate.js';
import type { JobStreamSession } from '../streaming/session.js';
import { isoTime } from '../util/iso-time.js';
import type { LockWatch } from './lock-watch.js';

function asProviderError(error: unknown, target: TargetRef): ProviderError {
  if (isProviderError(error)) return error;
  // An adapter bug or an unexpected SDK shape is the provider call going wrong, not the caller.
  return new ProviderError({
    provider: target.provider,
    model: target.model,
    message: error instanceof Error ? error.message : String(error),
    errorClass: 'transient',
    kind: 'malformed',
    cause: error,
  });
}

/** The job as a call needs it. */
export interface CallJob {
  level: LlmLevel;
  request: CompletionRequest;
  jobId: string;
  /** The quota scheduler's admission check and call accounting; absent, calls go unchecked. */
  gate?: QuotaGate;
  /** A streamed job's session: calls stream into it, and a cut answer fails over mid-stream. */
  stream?: JobStreamSession;
  /** The run's hold on its BullMQ job; absent (a unit test's job), the run is taken to hold it. */
  lock?: LockWatch;
}

export interface OneCall {
  target: TargetRef;
  provider: Provider;
  settings: ProviderSettings;
  permit: Permit;
  lease: Lease | null;
  /** ms left before the job's deadline (Infinity without one). */
  remainingMs: number;
}

/**
 * One call of one target, with everything that follows from how it ended: the trail entry, the
 * breaker's verdict (success, failure, or released when the call says nothing of the provider's
 * health), the quota settlement, metrics and the log line. Answers how it ended, with the trail
 * entry it made (none when this process's shutdown cut it); what to do next is `nextStep`'s.
 */
export async function callOnce(
  ctx: WorkerContext,
  input: CallJob,
  call: OneCall,
): Promise<CallOutcome & { attempts: Attempt[] }> {
  const { level } = input;
  const { target, permit, lease } = call;
  const limitedByDeadline = call.remainingMs < call.settings.timeoutMs;
  const timeoutMs = Math.max(1, Math.min(call.settings.timeoutMs, call.remainingMs));
  const started = ctx.clock.now();
  try {
    const answer = await callTarget({
      provider: call.provider,
      target,
      level,
      request: input.request,
      timeoutMs,
      signal: ctx.shutdown,
      idleMs: ctx.fallback.streamIdleMs,
      stream: input.stream,
    });
    // The attempt is stamped when the call ended, not after the quota's round trip below: its
    // start (`at` less `latency_ms`) is then when the call really began.
    const endedAt = ctx.clock.now();
    const latencyMs = endedAt - started;
    await input.gate?.served(lease, target, answer, latencyMs);
    // An answer that is not what the job asked for is no answer: the next target is tried.
    const checked = checkAnswer(input.request, answer);
    ctx.observer.providerCall?.({
      target,
      level,
      latencyMs,
      errorClass: checked.ok ? null : 'invalid_output',
      usage: answer.usage,
    });
    if (!checked.ok) {
      const attempt = await recordInvalidOutput(ctx, {
        ...checked,
        permit,
        target,
        level,
        latencyMs,
        jobId: input.jobId,
      });
      return { kind: 'invalid', attempts: [attempt] };
    }
    ctx.invalidOutput.valid(target.id);
    ctx.breakers.recordSuccess(permit);
    const ok: Attempt = {
      level: level.level,
      level_name: level.name,
      provider: target.provider,
      model: target.model,
      outcome: 'ok',
      latency_ms: latencyMs,
      at: isoTime(endedAt),
    };
    return { kind: 'answered', completion: checked.completion, attempts: [ok] };
  } catch (thrown) {
    // Cut by our own shutdown: says nothing of the provider, and the job is not done here.
    if (ctx.shutdown?.aborted) {
      ctx.breakers.release(permit);
      await input.gate?.unused(lease);
      return { kind: 'interrupted', attempts: [] };
    }
    const error = asProviderError(thrown, target);
    const latencyMs = ctx.clock.now() - started;
    const ownDeadline = limitedByDeadline && error.kind === 'timeout';
    const failed: Attempt = {
      level: level.level,
      level_name: level.name,
      provider: target.provider,
      model: target.model,
      outcome: 'error',
      class: ownDeadline ? 'deadline' : error.errorClass,
      status: error.status,
      error: error.message.slice(0, 500),
      latency_ms: latencyMs,
      ...sentChars(input.stream),
      at: isoTime(ctx.clock.now()),
    };
    ctx.logger.warn(
      {
        job_id: input.jobId,
        ladder_level: level.name,
        provider_target: target.id,
        class: error.errorClass,
        status: error.status,
        kind: error.kind,
      },
      'provider call failed',
    );
    const saturated = (await input.gate?.failed(lease, target, error)) ?? false;
    // The job's own deadline cutting a call short says nothing about the provider's health.
    if (ownDeadline || error.kind === 'aborted') {
      ctx.breakers.release(permit);
      return { kind: 'deadline', attempts: [failed] };
    }
    ctx.observer.providerCall?.({
      target,
      level,
      latencyMs,
      errorClass: error.errorClass,
      usage: null,
    });
    // A rate limit is no outage, a refused request or one too long for the model says nothing of
    // the provider's health: none of them is a breaker failure.
    if (saturated || error.errorClass === 'caller' || error.errorClass === 'context_length') {
      ctx.breakers.release(permit);
    } else {
      await ctx.breakers.recordFailure(permit, {
        errorClass: error.errorClass,
        status: error.status,
        message: error.message,
        retryAfterMs: error.retryAfterMs,
      });
    }
    return { kind: 'failed', error, saturated, attempts: [failed] };
  }
}
