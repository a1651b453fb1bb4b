import type { FakeProviderName } from './behaviours.js';

/** A provider-side rate limit on one (provider, model): what a busy provider does. */
export interface RateLimitMode {
  /** Requests admitted in any one second (sliding window). */
  perSecond: number;
  /** Send each provider's rate-limit headers on answers (Gemini has none). Default true. */
  headers?: boolean;
  /** Retry-After on a 429, in seconds; default: until the window has room, rounded up. */
  retryAfterSeconds?: number;
}

/** What the limiter decided for one call: pass with these headers, or answer 429 with them. */
export type RateLimitVerdict =
  | { kind: 'pass'; headers: Record<string, string> }
  | { kind: 'limited'; headers: Record<string, string>; retryAfterSeconds: number };

interface Window {
  mode: RateLimitMode;
  /** Accepted call times, ms, the last second. */
  recent: number[];
  /** Every accepted call's time, for tests that check the rate a target saw. */
  accepted: number[];
  limited: number;
}

/** Headers in each provider's own spelling: OpenAI durations, Anthropic RFC 3339 times. */
function providerHeaders(input: {
  provider: FakeProviderName;
  limitPerMinute: number;
  remaining: number;
  resetMs: number;
  now: number;
}): Record<string, string> {
  const { limitPerMinute, remaining, resetMs } = input;
  if (input.provider === 'openai') {
    return {
      'x-ratelimit-limit-requests': String(limitPerMinute),
      'x-ratelimit-remaining-requests': String(remaining),
      'x-ratelimit-reset-requests': `${resetMs}ms`,
    };
  }
  if (input.provider === 'anthropic') {
    return {
      'anthropic-ratelimit-requests-limit': String(limitPerMinute),
      'anthropic-ratelimit-requests-remaining': String(remaining),
      'anthropic-ratelimit-requests-reset': new Date(input.now + resetMs).toISOString(),
    };
  }
  return {};
}

/** The fake server's rate limits, one sliding one-second window per (provider, model). */
export class FakeRateLimits {
  private readonly windows = new Map<string, Window>();

  set(key: string, mode: RateLimitMode | null): void {
    if (mode === null) this.windows.delete(key);
    else this.windows.set(key, { mode, recent: [], accepted: [], limited: 0 });
  }

  check(key: string, provider: FakeProviderName, now = Date.now()): RateLimitVerdict | null {
    const w = this.windows.get(key);
    if (!w) return null;
    w.recent = w.recent.filter((t) => t > now - 1000);
    const oldest = w.recent[0];
    const resetMs = oldest === undefined ? 0 : Math.max(1, oldest + 1000 - now);
    const full = w.recent.length >= w.mode.perSecond;
    if (!full) {
      w.recent.push(now);
      w.accepted.push(now);
    } else {
      w.limited += 1;
    }
    const headers =
      w.mode.headers === false
        ? {}
        : providerHeaders({
            provider,
            limitPerMinute: w.mode.perSecond * 60,
            remaining: Math.max(0, w.mode.perSecond - w.recent.length),
            resetMs,
            now,
          });
    if (!full) return { kind: 'pass', headers };
    return {
      kind: 'limited',
      headers,
      retryAfterSeconds: w.mode.retryAfterSeconds ?? Math.max(1, Math.ceil(resetMs / 1000)),
    };
  }

  /** 429s answered for the key. */
  limited(key: string): number {
    return this.windows.get(key)?.limited ?? 0;
  }

  /** Times of the calls that were let through. */
  accepted(key: string): number[] {
    return [...(this.windows.get(key)?.accepted ?? [])];
  }

  reset(): void {
    this.windows.clear();
  }
}

/** The most calls that started inside any one-second window. */
export function maxPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= 1000) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
