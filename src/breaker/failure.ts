import type { ErrorClass } from '../providers/provider-error.js';
import type { BreakerErrorRecord, BreakerFailure } from './types.js';

/** Longest provider message kept in a breaker's errors and reasons. */
export const MAX_MESSAGE_CHARS = 300;

/**
 * Transient and misconfigured errors are the provider's fault; a caller's bad request and a prompt
 * too long for the window say nothing about the provider's health (README, "Error classes"). An
 * invalid answer reaches the breaker only once it persists (the worker's streak decides).
 */
export function countsAsFailure(errorClass: ErrorClass): boolean {
  return (
    errorClass === 'transient' || errorClass === 'misconfigured' || errorClass === 'invalid_output'
  );
}

/** The failure as the breaker stores it: message trimmed, so Redis and memory agree byte for byte. */
export function normaliseFailure(failure: BreakerFailure): BreakerFailure {
  return {
    errorClass: failure.errorClass,
    status: failure.status ?? null,
    retryAfterMs: failure.retryAfterMs ?? null,
    message: failure.message.slice(0, MAX_MESSAGE_CHARS),
  };
}

export function errorRecord(failure: BreakerFailure, nowMs: number): BreakerErrorRecord {
  return {
    at: new Date(nowMs).toISOString(),
    class: failure.errorClass,
    status: failure.status,
    message: failure.message,
  };
}

/** `(503): overloaded`, as reasons print a failure. */
export function describeFailure(failure: BreakerFailure): string {
  return `(${failure.status ?? 'no status'}): ${failure.message}`;
}
