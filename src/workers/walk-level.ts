import type { TargetRef } from '../config/types.js';
import type { Permit } from '../breaker/types.js';
import { isFinal, type Attempt } from '../ladder/result.js';
import { callOnce, type CallJob } from './call-target.js';
import type { WorkerContext } from './context.js';
import { nextStep } from './next-step.js';
import { withAttempts, type LevelEnd, type LevelOutcome } from './outcome.js';
import type { GateAnswer } from './quota-gate.js';
import { isoTime } from '../util/iso-time.js';

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
    attempts = attempts.length === 0 ? turn.attempts : attempts.concat(turn.attempts);
    if (turn.end !== 'next_target') return withAttempts(turn.end, attempts);
  }
  return { kind: 'unserved', why: 'exhausted', attempts };
}

/** The trail's timestamp of now. */
function stamp(ctx: WorkerContext): string {
  return isoTime(ctx.clock.now());
}

/** ms left before the job's deadline; Infinity without one. */
function remaining(ctx: WorkerContext, input: WalkInput): number {
  return input.deadlineAt === null ? Number.POSITIVE_INFINITY : input.deadlineAt - ctx.clock.now();
}

/** Adds `attempt` to the target's trail; a streamed job's readers get it as it joins. */
function add(input: WalkInput, made: Attempt[], attempt: Attempt): void {
  input.stream?.attempt(attempt);
  made.push(attempt);
}

/**
 * Why a run must not make its next call: the record is final (another run finished the job), or
 * this run no longer holds the job's lock. One round trip: both asked at once.
 */
async function stopBefore(ctx: WorkerContext, input: WalkInput): Promise<LevelEnd | null> {
  const [status, held] = await Promise.all([
    ctx.results.status(input.jobId),
    input.lock ? input.lock.held() : true,
  ]);
  if (status !== null && isFinal(status)) return { kind: 'superseded', status };
  return held ? null : { kind: 'lock_lost' };
}

/**
 * The calls of one target: until it serves the job, the loop moves on, or the level stops.
 * `earlier`: the attempts this level made before (a parked job's record keeps them). Runs once
 * per job and call: no closures or array copies per call (the no-op drain measures them).
 */
async function walkTarget(
  ctx: WorkerContext,
  input: WalkInput,
  target: TargetRef,
  run: { callsMade: number },
  earlier: readonly Attempt[],
): Promise<TargetTurn> {
  const { level } = input;
  // A streamed job's readers get each attempt as it joins the trail, before the next call: the
  // stream decides from it whether that call may continue the text already sent.
  const made: Attempt[] = [];
  const provider = ctx.providers.get(target.provider);
  const settings = ctx.providerSettings[target.provider];
  if (!provider || !settings) {
    add(input, made, {
      level: level.level,
      level_name: level.name,
      provider: target.provider,
      model: target.model,
      outcome: 'error',
      class: 'misconfigured',
      status: null,
      error: `provider ${target.provider} is not configured in this worker`,
      at: stamp(ctx),
    });
    return { end: 'next_target', attempts: made };
  }
  let rateLimited = 0;
  for (let call = 0; call <= ctx.fallback.maxRetries; call++) {
    if (remaining(ctx, input) <= 0)
      return { end: { kind: 'unserved', why: 'deadline' }, attempts: made };
    if (ctx.shutdown?.aborted) return { end: { kind: 'interrupted' }, attempts: made };
    // Waiting for quota parks the job (BullMQ delayed) or skips the target; never a retry.
    const gated: GateAnswer =
      input.gate?.manages(target) === true
        ? await input.gate.before(target, settings.timeoutMs, [...earlier, ...made])
        : { kind: 'go', lease: null };
    if (gated.kind === 'skip') {
      add(input, made, gated.attempt);
      return { end: 'next_target', attempts: made };
    }
    // A worker that lost its lock may still be running this job: once either run has made the
    // result final, the other stops before its next provider call, and a run whose lock lapsed
    // (another run may hold the job now) stops too. The first call follows the claim, which
    // already checked, so only later calls pay the round trip, and a first call only when the
    // lock may have lapsed since the job was handed out (a process starved of CPU).
    if (run.callsMade > 0 || input.lock?.mayHaveLapsed() === true) {
      const stop = await stopBefore(ctx, input);
      if (stop !== null) {
        await input.gate?.unused(gated.lease);
        return { end: stop, attempts: made };
      }
    }
    run.callsMade++;
    const permit: Permit | null = await ctx.breakers.acquire(target.id);
    if (!permit) {
      await input.gate?.unused(gated.lease);
      add(input, made, {
        level: level.level,
        level_name: level.name,
        provider: target.provider,
        model: target.model,
        outcome: 'skipped',
        reason: 'breaker_open',
        at: stamp(ctx),
      });
      return { end: 'next_target', attempts: made };
    }
    // The round trips since the deadline check above (quota, record and lock, breaker) may have
    // used up what was left: no call starts past the deadline, not even one cut at 1 ms.
    if (remaining(ctx, input) <= 0) {
      ctx.breakers.release(permit);
      await input.gate?.unused(gated.lease);
      return { end: { kind: 'unserved', why: 'deadline' }, attempts: made };
    }
    const called = await callOnce(ctx, input, {
      target,
      provider,
      settings,
      permit,
      lease: gated.lease,
      remainingMs: remaining(ctx, input),
    });
    for (const attempt of called.attempts) add(input, made, attempt);
    if (called.kind === 'answered')
      return {
        end: { kind: 'served', source: 'llm', target, completion: called.completion },
        attempts: made,
      };
    const step = nextStep({
      outcome: called,
      call,
      rateLimited,
      remainingMs: remaining(ctx, input),
      fallback: ctx.fallback,
      random: ctx.random,
    });
    switch (step.kind) {
      case 'next_target':
        return { end: 'next_target', attempts: made };
      case 'stop':
        if (step.why === 'caller' && called.kind === 'failed')
          return { end: { kind: 'caller', error: called.error }, attempts: made };
        return {
          end:
            step.why === 'interrupted'
              ? { kind: 'interrupted' }
              : { kind: 'unserved', why: 'deadline' },
          attempts: made,
        };
      case 'readmit':
        rateLimited++;
        call--;
        break;
      case 'retry':
        if (step.delayMs > 0) await ctx.clock.sleep(step.delayMs);
        break;
    }
  }
  return { end: 'next_target', attempts: made };
}
