import type { FallbackConfig } from '../config/types.js';
import type { Completion } from '../providers/contract.js';
import type { ProviderError } from '../providers/provider-error.js';
import { retryDelay } from './backoff.js';
import { listedInOnError } from './on-error.js';

/** How one provider call ended, once its trail entry and breaker bookkeeping are done. */
export type CallOutcome =
  | { kind: 'answered'; completion: Completion }
  /** The answer failed its output check: recorded, and the next target gets the job. */
  | { kind: 'invalid' }
  /** The provider failed; `saturated` when it was a rate limit the quota gate now waits out. */
  | { kind: 'failed'; error: ProviderError; saturated: boolean }
  /** The job's own deadline cut the call: nothing to say of the provider. */
  | { kind: 'deadline' }
  /** This process's shutdown cut the call. */
  | { kind: 'interrupted' };

/** What the loop does after a call that did not serve the job. */
export type Step =
  | { kind: 'retry'; delayMs: number }
  /** Ask the quota gate again at once (it parks the job or skips the target); no retry used. */
  | { kind: 'readmit' }
  | { kind: 'next_target' }
  | { kind: 'stop'; why: 'caller' | 'deadline' | 'interrupted' };

export interface StepInput {
  outcome: Exclude<CallOutcome, { kind: 'answered' }>;
  /** 0 for the first call on this target. */
  call: number;
  /** Rate-limited answers on this target so far. */
  rateLimited: number;
  /** ms left before the job's deadline (Infinity without one). */
  remainingMs: number;
  fallback: FallbackConfig;
  random?: () => number;
}

/**
 * The core loop's decision, kept free of I/O so every branch is unit-tested: retry the same target
 * after a backoff (listed transient errors, within `max_retries`, honouring Retry-After and the
 * deadline), wait out a rate limit, try the next target, or stop the level.
 */
export function nextStep(input: StepInput): Step {
  const { outcome, fallback } = input;
  if (outcome.kind === 'invalid') return { kind: 'next_target' };
  if (outcome.kind === 'deadline') return { kind: 'stop', why: 'deadline' };
  if (outcome.kind === 'interrupted') return { kind: 'stop', why: 'interrupted' };
  const { error, saturated } = outcome;
  // The bound keeps a target whose saturation says "come back now" from looping.
  if (saturated && input.rateLimited < fallback.maxRetries + 3) return { kind: 'readmit' };
  if (error.errorClass === 'caller') return { kind: 'stop', why: 'caller' };
  if (error.errorClass === 'context_length' || error.errorClass === 'misconfigured')
    return { kind: 'next_target' };
  if (input.call >= fallback.maxRetries || !listedInOnError(error, fallback.onError))
    return { kind: 'next_target' };
  const decision = retryDelay({
    retry: input.call + 1,
    fallback,
    retryAfterMs: error.retryAfterMs,
    random: input.random,
  });
  if (!decision.retry || decision.delayMs >= input.remainingMs) return { kind: 'next_target' };
  return { kind: 'retry', delayMs: decision.delayMs };
}
