import type { FallbackConfig } from '../config/types.js';

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; why: string };

/**
 * Delay before retry number `retry` (1-based) on the same target. Full jitter, so in-flight jobs
 * do not retry in lockstep; a Retry-After is honoured exactly (it is the provider's own word) up to
 * the cap, beyond which waiting is worse than moving on.
 */
export function retryDelay(input: {
  retry: number;
  fallback: FallbackConfig;
  retryAfterMs: number | null;
  random?: () => number;
}): RetryDecision {
  const { fallback } = input;
  if (input.retryAfterMs !== null) {
    if (input.retryAfterMs > fallback.retryAfterCapMs) {
      return {
        retry: false,
        why: `Retry-After ${input.retryAfterMs} ms is above fallback.retry_after_cap_ms ${fallback.retryAfterCapMs}`,
      };
    }
    return { retry: true, delayMs: input.retryAfterMs };
  }
  const ceiling =
    fallback.backoff === 'fixed'
      ? fallback.baseDelayMs
      : Math.min(fallback.maxDelayMs, fallback.baseDelayMs * 2 ** (input.retry - 1));
  const random = input.random ?? Math.random;
  return { retry: true, delayMs: Math.round(random() * Math.min(ceiling, fallback.maxDelayMs)) };
}
