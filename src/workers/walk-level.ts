import type { TargetRef } from '../config/types.js';
import type { Permit } from '../breaker/types.js';
import { isFinal, type Attempt } from '../ladder/result.js';
import { callOnce, type CallJob } from './call-target.js';
import type { WorkerContext } from './context.js';
import { nextStep } from './next-step.js';
import { withAttempts, type LevelEnd, type LevelOutcome } from './outcome.js';

export interface WalkInput extends CallJob {
  /** Epoch ms after which the job stops climbing down; null for none. */
  deadlineAt: number | null;
  /** `provider/model` to try first. */
  prefer?: string;
}

/** How one target's turn ended: the level's end, or on to the next target; with its attempts. */
interface TargetTurn {
  end: LevelEnd | 'next_target';
  attempts: Attempt[];
}

function orderTargets(targets: TargetRef[], prefer: string | undefined): TargetRef[] {
  const first = targets.find((t) => t.id === prefer);
  return first ? [first, ...targets.filter((t) => t !== first)] : targets;
}

/**
 * Tries a level's targets in priority order, retrying listed transient errors on the same target
 * with backoff, and answers what became of the job at this level with the attempts made here. Each
 * call is `callOnce`; what follows a call that did not serve the job is `nextStep`'s decision.
 */
export async function walkLevel(ctx: WorkerContext, input: WalkInput): Promise<LevelOutcome> {
  const run = { callsMade: 0 };
  let attempts: Attempt[] = [];
  for (const target of orderTargets(input.level.targets, input.prefer)) {
    const turn = await walkTarget(ctx, input, target, run, attempts);
    attempts = [...attempts, ...turn.attempts];
    if (turn.end !== 'next_target') return withAttempts(turn.end, attempts);
  }
  return { kind: 'unserved', why: 'exhausted', attempts };
}

/**
 * The calls of one target: until it serves the job, the loop moves on, or the level stops.
 * `earlier`: the attempts this level made before (a parked job's record keeps them).
 */
async function walkTarget(
  ctx: WorkerContext,
  input: WalkInput,
  target: TargetRef,
  run: { callsMade: number },
  earlier: readonly Attempt[],
): Promise<TargetTurn> {
  const { level } = input;
  let made: Attempt[] = [];
  // A streamed job's readers get each attempt as it joins the trail, before the next call: the
  // stream decides from it whether that call may continue the text already sent.
  const add = (more: Attempt[]): void => {
    for (const attempt of more) input.stream?.attempt(attempt);
    made = [...made, ...more];
  };
  const end = (how: TargetTurn['end']): TargetTurn => ({ end: how, attempts: made });
  const stamp = (): string => new Date(ctx.clock.now()).toISOString();
  const remaining = (): number =>
    input.deadlineAt === null ? Number.POSITIVE_INFINITY : input.deadlineAt - ctx.clock.now();
  const provider = ctx.providers.get(target.provider);
  const settings = ctx.providerSettings[target.provider];
  if (!provider || !settings) {
    add([
      {
        level: level.level,
        level_name: level.name,
        provider: target.provider,
        model: target.model,
        outcome: 'error',
        class: 'misconfigured',
        status: null,
        error: `provider ${target.provider} is not configured in this worker`,
        at: stamp(),
      },
    ]);
    return end('next_target');
  }
  let rateLimited = 0;
  for (let call = 0; call <= ctx.fallback.maxRetries; call++) {
    if (remaining() <= 0) return end({ kind: 'unserved', why: 'deadline' });
    if (ctx.shutdown?.aborted) return end({ kind: 'interrupted' });
    // Waiting for quota parks the job (BullMQ delayed) or skips the target; never a retry.
    const gated = input.gate
      ? await input.gate.before(target, settings.timeoutMs, [...earlier, ...made])
      : { kind: 'go' as const, lease: null };
    if (gated.kind === 'skip') {
      add([gated.attempt]);
      return end('next_target');
    }
    // A worker that lost its lock may still be running this job: once either run has made the
    // result final, the other stops before its next provider call. The first call follows the
    // claim, which already checked, so only later calls pay the round trip.
    if (run.callsMade > 0) {
      const status = await ctx.results.status(input.jobId);
      if (status !== null && isFinal(status)) return end({ kind: 'superseded', status });
    }
    run.callsMade++;
    const permit: Permit | null = await ctx.breakers.acquire(target.id);
    if (!permit) {
      await input.gate?.unused(gated.lease);
      add([
        {
          level: level.level,
          level_name: level.name,
          provider: target.provider,
          model: target.model,
          outcome: 'skipped',
          reason: 'breaker_open',
          at: stamp(),
        },
      ]);
      return end('next_target');
    }
    const called = await callOnce(ctx, input, {
      target,
      provider,
      settings,
      permit,
      lease: gated.lease,
      remainingMs: remaining(),
    });
    add(called.attempts);
    if (called.kind === 'answered')
      return end({ kind: 'served', source: 'llm', target, completion: called.completion });
    const step = nextStep({
      outcome: called,
      call,
      rateLimited,
      remainingMs: remaining(),
      fallback: ctx.fallback,
      random: ctx.random,
    });
    switch (step.kind) {
      case 'next_target':
        return end('next_target');
      case 'stop':
        if (step.why === 'caller' && called.kind === 'failed')
          return end({ kind: 'caller', error: called.error });
        return end(
          step.why === 'interrupted'
            ? { kind: 'interrupted' }
            : { kind: 'unserved', why: 'deadline' },
        );
      case 'readmit':
        rateLimited++;
        call--;
        break;
      case 'retry':
        if (step.delayMs > 0) await ctx.clock.sleep(step.delayMs);
        break;
    }
  }
  return end('next_target');
}
