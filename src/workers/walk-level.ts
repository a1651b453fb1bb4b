import type { TargetRef } from '../config/types.js';
import type { Permit } from '../breaker/types.js';
import { isFinal } from '../ladder/result.js';
import type { Completion } from '../providers/contract.js';
import type { ProviderError } from '../providers/provider-error.js';
import { callOnce, type CallJob } from './call-target.js';
import type { WorkerContext } from './context.js';
import { nextStep } from './next-step.js';

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

export interface WalkInput extends CallJob {
  /** Epoch ms after which the job stops climbing down; null for none. */
  deadlineAt: number | null;
  /** `provider/model` to try first. */
  prefer?: string;
}

function orderTargets(targets: TargetRef[], prefer: string | undefined): TargetRef[] {
  const first = targets.find((t) => t.id === prefer);
  return first ? [first, ...targets.filter((t) => t !== first)] : targets;
}

/**
 * Tries a level's targets in priority order, retrying listed transient errors on the same target
 * with backoff, and answers what became of the job at this level. Each call is `callOnce`; what
 * follows a call that did not serve the job is `nextStep`'s decision.
 */
export async function walkLevel(ctx: WorkerContext, input: WalkInput): Promise<LevelOutcome> {
  const run = { callsMade: 0 };
  for (const target of orderTargets(input.level.targets, input.prefer)) {
    const outcome = await walkTarget(ctx, input, target, run);
    if (outcome !== 'next_target') return outcome;
  }
  return { kind: 'exhausted' };
}

/** The calls of one target: until it serves the job, the loop moves on, or the level stops. */
async function walkTarget(
  ctx: WorkerContext,
  input: WalkInput,
  target: TargetRef,
  run: { callsMade: number },
): Promise<LevelOutcome | 'next_target'> {
  const { level, attempts } = input;
  const stamp = (): string => new Date(ctx.clock.now()).toISOString();
  const remaining = (): number =>
    input.deadlineAt === null ? Number.POSITIVE_INFINITY : input.deadlineAt - ctx.clock.now();
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
    return 'next_target';
  }
  let rateLimited = 0;
  for (let call = 0; call <= ctx.fallback.maxRetries; call++) {
    if (remaining() <= 0) return { kind: 'deadline' };
    if (ctx.shutdown?.aborted) return { kind: 'interrupted' };
    // Waiting for quota parks the job (BullMQ delayed) or skips the target; never a retry.
    const gated = input.gate
      ? await input.gate.before(target, settings.timeoutMs)
      : { kind: 'go' as const, lease: null };
    if (gated.kind === 'skip') return 'next_target';
    // A worker that lost its lock may still be running this job: once either run has made the
    // result final, the other stops before its next provider call. The first call follows the
    // claim, which already checked, so only later calls pay the round trip.
    if (run.callsMade > 0) {
      const status = await ctx.results.status(input.jobId);
      if (status !== null && isFinal(status)) return { kind: 'superseded', status };
    }
    run.callsMade++;
    const permit: Permit | null = await ctx.breakers.acquire(target.id);
    if (!permit) {
      await input.gate?.unused(gated.lease);
      attempts.push({
        level: level.level,
        level_name: level.name,
        provider: target.provider,
        model: target.model,
        outcome: 'skipped',
        reason: 'breaker_open',
        at: stamp(),
      });
      return 'next_target';
    }
    const outcome = await callOnce(ctx, input, {
      target,
      provider,
      settings,
      permit,
      lease: gated.lease,
      remainingMs: remaining(),
    });
    if (outcome.kind === 'answered')
      return { kind: 'served', target, completion: outcome.completion };
    const step = nextStep({
      outcome,
      call,
      rateLimited,
      remainingMs: remaining(),
      fallback: ctx.fallback,
      random: ctx.random,
    });
    switch (step.kind) {
      case 'next_target':
        return 'next_target';
      case 'stop':
        if (step.why === 'caller' && outcome.kind === 'failed')
          return { kind: 'caller', error: outcome.error };
        return { kind: step.why === 'interrupted' ? 'interrupted' : 'deadline' };
      case 'readmit':
        rateLimited++;
        call--;
        break;
      case 'retry':
        if (step.delayMs > 0) await ctx.clock.sleep(step.delayMs);
        break;
    }
  }
  return 'next_target';
}
