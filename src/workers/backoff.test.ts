import { describe, expect, it } from 'vitest';
import type { FallbackConfig } from '../config/types.js';
import { retryDelay } from './backoff.js';

const fallback: FallbackConfig = {
  onError: [429, 500, 502, 503, 'timeout'],
  maxRetries: 2,
  backoff: 'exponential',
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  retryAfterCapMs: 30_000,
  streamIdleMs: 30_000,
};

describe('retryDelay', () => {
  it('doubles the ceiling per retry and applies full jitter', () => {
    expect(retryDelay({ retry: 1, fallback, retryAfterMs: null, random: () => 1 })).toEqual({
      retry: true,
      delayMs: 500,
    });
    expect(retryDelay({ retry: 3, fallback, retryAfterMs: null, random: () => 1 })).toEqual({
      retry: true,
      delayMs: 2000,
    });
    expect(retryDelay({ retry: 3, fallback, retryAfterMs: null, random: () => 0.5 })).toEqual({
      retry: true,
      delayMs: 1000,
    });
    expect(retryDelay({ retry: 3, fallback, retryAfterMs: null, random: () => 0 })).toEqual({
      retry: true,
      delayMs: 0,
    });
  });

  it('caps the ceiling at max_delay_ms', () => {
    expect(retryDelay({ retry: 20, fallback, retryAfterMs: null, random: () => 1 })).toEqual({
      retry: true,
      delayMs: 10_000,
    });
  });

  it('keeps the base delay with fixed backoff', () => {
    const fixed = { ...fallback, backoff: 'fixed' as const };
    expect(retryDelay({ retry: 5, fallback: fixed, retryAfterMs: null, random: () => 1 })).toEqual({
      retry: true,
      delayMs: 500,
    });
  });

  it('honours Retry-After up to the cap, and moves on beyond it', () => {
    expect(retryDelay({ retry: 1, fallback, retryAfterMs: 30_000 })).toEqual({
      retry: true,
      delayMs: 30_000,
    });
    const beyond = retryDelay({ retry: 1, fallback, retryAfterMs: 30_001 });
    expect(beyond.retry).toBe(false);
  });
});
