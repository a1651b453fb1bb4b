import type { LlmLevel, TargetRef } from '../config/types.js';
import type { Permit } from '../breaker/types.js';
import type { CompletionRequest } from '../ladder/job-schema.js';
import { isFinal, type Attempt } from '../ladder/result.js';
import type { Completion } from '../providers/contract.js';
import { ProviderError, isProviderError } from '../providers/provider-error.js';
import { retryDelay } from './backoff.js';
import { checkAnswer, recordInvalidOutput } from './check-answer.js';
import type { WorkerContext } from './context.js';
import { listedInOnError } from './on-error.js';
import type { QuotaGate } from './quota-gate.js';
import type { JobStreamSession } from '../streaming/session.js';
import { callTarget, sentChars } from './stream-hook.js';

export type LevelOutcome =
  | { kind: 'served'; target: TargetRef; completion: Completion }
  /** A caller's fault: the job fails at once, wherever it is. */
  | { kind: 'caller'; error: ProviderError }
  | { kind: 'exhausted' }
  | { kind: 'deadline' }
  /** Another run of the same job (a stalled copy's original) finished it: no more calls. */
  | { kind: 'superseded'; status: string }
  /** This process is shutting down: the job goes back to its queue, nothing is recorded. */
  | { kind: 'interrupted' };

export interface WalkInput {
  level: LlmLevel;
  request: CompletionRequest;
  /** Epoch ms after which the job stops climbing down; null for none. */
  deadlineAt: number | null;
  /** `provider/model` to try first. */
  prefer?: string;
  jobId: string;
  /** Appended to as the walk goes, so a crash half way still leaves the trail written so far. */
  attempts: Attempt[];
  /** The quota scheduler's admission check and call accounting; absent, calls go unchecked. */
  gate?: QuotaGate;
  /** A streamed job's session: calls stream into it, and a cut answer fails over mid-stream. */
  stream?: JobStreamSession;
}

function orderTargets(targets: TargetRef[], prefer: string | undefined): TargetRef[] {
  const first = targets.find((t) => t.id === prefer);
  return first ? [first, ...targets.filter((t) => t !== first)] : targets;
}

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

/**
 * Tries a level's targets in priority order, retrying listed transient errors on the same target
 * with backoff, and answers what became of the job at this level.
 */
export async function walkLevel(ctx: WorkerContext, input: WalkInput): Promise<LevelOutcome> {
  const { level, attempts } = input;
  const stamp = (): string => new Date(ctx.clock.now()).toISOString();
  const remaining = (): number =>
    input.deadlineAt === null ? Number.POSITIVE_INFINITY : input.deadlineAt - ctx.clock.now();

  let callsMade = 0;
  targets: for (const target of orderTargets(level.targets, input.prefer)) {
    const provider = ctx.providers.get(target.provider);
    const settings = ctx.providerSettings[target.provider];
    if (!provider || !settings) {
      attempts.push({
        level: level.level,
        level_name: level.name,
        provider: target.provider,
        model: target.model,
        outcome: 'error',
        class: 'misconfigured',
        status: null,
        error: `provider ${target.provider} is not configured in this worker`,
        at: stamp(),
      });
      continue;
    }
    let rateLimited = 0;
    for (let call = 0; call <= ctx.fallback.maxRetries; call++) {
      if (remaining() <= 0) return { kind: 'deadline' };
      if (ctx.shutdown?.aborted) return { kind: 'interrupted' };
      // Waiting for quota parks the job (BullMQ delayed) or skips the target; never a retry.
      const gated = input.gate
        ? await input.gate.before(target, settings.timeoutMs)
        : { kind: 'go' as const, lease: null };
      if (gated.kind === 'skip') continue targets;
      const lease = gated.lease;
      // A worker that lost its lock may still be running this job: once either run has made the
      // result final, the other stops before its next provider call. The first call follows the
      // claim, which already checked, so only later calls pay the round trip.
      if (callsMade > 0) {
        const status = await ctx.results.status(input.jobId);
        if (status !== null && isFinal(status)) return { kind: 'superseded', status };
      }
      callsMade++;
      const permit: Permit | null = await ctx.breakers.acquire(target.id);
      if (!permit) {
        await input.gate?.unused(lease);
        attempts.push({
          level: level.level,
          level_name: level.name,
          provider: target.provider,
          model: target.model,
          outcome: 'skipped',
          reason: 'breaker_open',
          at: stamp(),
        });
        break;
      }
      const budgetMs = remaining();
      const limitedByDeadline = budgetMs < settings.timeoutMs;
      const timeoutMs = Math.max(1, Math.min(settings.timeoutMs, budgetMs));
      const started = ctx.clock.now();
      try {
        const answer = await callTarget({
          provider,
          target,
          level,
          request: input.request,
          timeoutMs,
          signal: ctx.shutdown,
          idleMs: ctx.fallback.streamIdleMs,
          stream: input.stream,
        });
        const latencyMs = ctx.clock.now() - started;
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
          await recordInvalidOutput(ctx, {
            ...checked,
            permit,
            target,
            level,
            latencyMs,
            attempts,
            jobId: input.jobId,
          });
          continue targets;
        }
        const completion = checked.completion;
        ctx.invalidOutput.valid(target.id);
        ctx.breakers.recordSuccess(permit);
        attempts.push({
          level: level.level,
          level_name: level.name,
          provider: target.provider,
          model: target.model,
          outcome: 'ok',
          latency_ms: latencyMs,
          at: stamp(),
        });
        return { kind: 'served', target, completion };
      } catch (thrown) {
        // Cut by our own shutdown: says nothing of the provider, and the job is not done here.
        if (ctx.shutdown?.aborted) {
          ctx.breakers.release(permit);
          await input.gate?.unused(lease);
          return { kind: 'interrupted' };
        }
        const error = asProviderError(thrown, target);
        const latencyMs = ctx.clock.now() - started;
        const ownDeadline = limitedByDeadline && error.kind === 'timeout';
        attempts.push({
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
          at: stamp(),
        });
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
          return { kind: 'deadline' };
        }
        ctx.observer.providerCall?.({
          target,
          level,
          latencyMs,
          errorClass: error.errorClass,
          usage: null,
        });
        // A rate limit is no outage: no breaker failure, and the wait for the target to have room
        // again is the gate's (the next admission parks the job or skips the target), not a retry.
        // The bound keeps a target whose saturation says "come back now" from looping.
        if (saturated && rateLimited++ < ctx.fallback.maxRetries + 3) {
          ctx.breakers.release(permit);
          call--;
          continue;
        }
        if (error.errorClass === 'caller') {
          ctx.breakers.release(permit);
          return { kind: 'caller', error };
        }
        if (error.errorClass === 'context_length') {
          ctx.breakers.release(permit);
          break;
        }
        await ctx.breakers.recordFailure(permit, {
          errorClass: error.errorClass,
          status: error.status,
          message: error.message,
          retryAfterMs: error.retryAfterMs,
        });
        if (error.errorClass === 'misconfigured') break;
        if (call >= ctx.fallback.maxRetries || !listedInOnError(error, ctx.fallback.onError)) break;
        const decision = retryDelay({
          retry: call + 1,
          fallback: ctx.fallback,
          retryAfterMs: error.retryAfterMs,
          random: ctx.random,
        });
        if (!decision.retry || decision.delayMs >= remaining()) break;
        if (decision.delayMs > 0) await ctx.clock.sleep(decision.delayMs);
      }
    }
  }
  return { kind: 'exhausted' };
}
