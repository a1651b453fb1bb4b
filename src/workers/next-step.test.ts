import { describe, expect, it } from 'vitest';
import type { FallbackConfig } from '../config/types.js';
import type { ErrorClass } from '../ladder/literals.js';
import { ProviderError, type ErrorKind } from '../providers/provider-error.js';
import { nextStep, type StepInput } from './next-step.js';

const fallback: FallbackConfig = {
  onError: [429, 500, 503, 'timeout'],
  maxRetries: 2,
  backoff: 'exponential',
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  retryAfterCapMs: 30_000,
  streamIdleMs: 30_000,
};

function failure(
  errorClass: ErrorClass,
  opts: { status?: number | null; kind?: ErrorKind; retryAfterMs?: number | null } = {},
): ProviderError {
  return new ProviderError({
    provider: 'openai',
    model: 'gpt-4o',
    message: 'boom',
    errorClass,
    kind: opts.kind ?? 'status',
    status: opts.status ?? null,
    retryAfterMs: opts.retryAfterMs ?? null,
  });
}

function step(
  error: ProviderError,
  over: Partial<Omit<StepInput, 'outcome'>> & { saturated?: boolean } = {},
): ReturnType<typeof nextStep> {
  return nextStep({
    outcome: { kind: 'failed', error, saturated: over.saturated ?? false },
    call: over.call ?? 0,
    rateLimited: over.rateLimited ?? 0,
    remainingMs: over.remainingMs ?? Number.POSITIVE_INFINITY,
    fallback: over.fallback ?? fallback,
    random: () => 1,
  });
}

describe('nextStep: what the core loop does after a call that did not serve the job', () => {
  it('retries a listed transient error on the same target, with backoff growing per call', () => {
    expect(step(failure('transient', { status: 503 }))).toEqual({ kind: 'retry', delayMs: 100 });
    expect(step(failure('transient', { status: 503 }), { call: 1 })).toEqual({
      kind: 'retry',
      delayMs: 200,
    });
    expect(step(failure('transient', { kind: 'timeout' }))).toEqual({
      kind: 'retry',
      delayMs: 100,
    });
  });

  it('honours Retry-After over the backoff', () => {
    expect(step(failure('transient', { status: 503, retryAfterMs: 700 }))).toEqual({
      kind: 'retry',
      delayMs: 700,
    });
  });

  it('moves to the next target once max_retries calls were made, or for an unlisted error', () => {
    expect(step(failure('transient', { status: 503 }), { call: 2 })).toEqual({
      kind: 'next_target',
    });
    expect(step(failure('transient', { status: 502 }))).toEqual({ kind: 'next_target' });
    expect(step(failure('transient', { kind: 'connection' }))).toEqual({ kind: 'next_target' });
  });

  it('moves on rather than retry when the wait would pass the deadline', () => {
    expect(step(failure('transient', { status: 503 }), { remainingMs: 100 })).toEqual({
      kind: 'next_target',
    });
    expect(step(failure('transient', { status: 503 }), { remainingMs: 101 })).toEqual({
      kind: 'retry',
      delayMs: 100,
    });
  });

  it('waits a rate limit out through the quota gate, a bounded number of times, then treats it as an error', () => {
    const limited = failure('transient', { status: 429 });
    expect(step(limited, { saturated: true })).toEqual({ kind: 'readmit' });
    expect(step(limited, { saturated: true, rateLimited: 4 })).toEqual({ kind: 'readmit' });
    expect(step(limited, { saturated: true, rateLimited: 5 })).toEqual({
      kind: 'retry',
      delayMs: 100,
    });
  });

  it("stops the level at once for the caller's fault; moves on for context length and misconfiguration", () => {
    expect(step(failure('caller', { status: 400 }))).toEqual({ kind: 'stop', why: 'caller' });
    expect(step(failure('context_length', { status: 400 }))).toEqual({ kind: 'next_target' });
    expect(step(failure('misconfigured', { status: 401 }))).toEqual({ kind: 'next_target' });
  });

  it('moves on after an invalid answer, and stops for the deadline or a shutdown', () => {
    const base = { call: 0, rateLimited: 0, remainingMs: 1_000, fallback };
    expect(nextStep({ ...base, outcome: { kind: 'invalid' } })).toEqual({ kind: 'next_target' });
    expect(nextStep({ ...base, outcome: { kind: 'deadline' } })).toEqual({
      kind: 'stop',
      why: 'deadline',
    });
    expect(nextStep({ ...base, outcome: { kind: 'interrupted' } })).toEqual({
      kind: 'stop',
      why: 'interrupted',
    });
  });
});
