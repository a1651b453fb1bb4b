/**
 * What a provider's answer says about its rate limits, read from the headers of a success or a
 * 429: OpenAI's `x-ratelimit-*` (durations like `6m0s`), Anthropic's `anthropic-ratelimit-*`
 * (RFC 3339 reset times), and `retry-after` / `retry-after-ms`. Each field is null when absent.
 */
import { parseRetryAfter } from './retry-after.js';

export interface RateLimitInfo {
  /** Requests allowed per minute. */
  limitRequests: number | null;
  remainingRequests: number | null;
  /** Until the request allowance is back, ms. */
  resetRequestsMs: number | null;
  /** Tokens allowed per minute. */
  limitTokens: number | null;
  remainingTokens: number | null;
  resetTokensMs: number | null;
  /** Retry-After, ms. */
  retryAfterMs: number | null;
}

export interface HeaderReader {
  get(name: string): string | null;
}

const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** `1s`, `6m0s`, `20ms`, `1h2m3.5s`, or a plain number of seconds. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return null;
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * (UNITS[p[2] ?? 's'] ?? 0), 0));
}

/** A reset given as a duration (OpenAI) or as a date (Anthropic), in ms from now. */
function resetMs(text: string | null, nowMs: number): number | null {
  if (text === null || text.trim() === '') return null;
  const duration = parseDuration(text);
  if (duration !== null) return duration;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

function count(text: string | null): number | null {
  if (text === null || text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** Reads whichever provider's headers are present; null when there are none at all. */
export function readRateLimit(
  headers: HeaderReader | null | undefined,
  nowMs: number = Date.now(),
): RateLimitInfo | null {
  if (!headers) return null;
  const pick = (...names: string[]): string | null => {
    for (const name of names) {
      const value = headers.get(name);
      if (value !== null) return value;
    }
    return null;
  };
  const info: RateLimitInfo = {
    limitRequests: count(pick('x-ratelimit-limit-requests', 'anthropic-ratelimit-requests-limit')),
    remainingRequests: count(
      pick('x-ratelimit-remaining-requests', 'anthropic-ratelimit-requests-remaining'),
    ),
    resetRequestsMs: resetMs(
      pick('x-ratelimit-reset-requests', 'anthropic-ratelimit-requests-reset'),
      nowMs,
    ),
    limitTokens: count(pick('x-ratelimit-limit-tokens', 'anthropic-ratelimit-tokens-limit')),
    remainingTokens: count(
      pick('x-ratelimit-remaining-tokens', 'anthropic-ratelimit-tokens-remaining'),
    ),
    resetTokensMs: resetMs(
      pick('x-ratelimit-reset-tokens', 'anthropic-ratelimit-tokens-reset'),
      nowMs,
    ),
    retryAfterMs: parseRetryAfter(headers, nowMs),
  };
  return Object.values(info).every((v) => v === null) ? null : info;
}

/**
 * How long a 429 says to stay away: Retry-After first, else the reset of whichever allowance ran
 * out (the later of the two when both did, or when the headers do not say which).
 *
 * `retryAfterMs` is the error's own Retry-After when it was read apart from the headers. A
 * Retry-After in whole seconds that a spent allowance's reset header refines (the reset rounds up
 * to it) gives way to the reset: `retry-after: 1` with `x-ratelimit-reset-requests: 20ms` means
 * 20 ms, and staying away a whole second from a target admitting 50 a second wastes 50 calls.
 */
export function saturationMs(
  info: RateLimitInfo | null,
  retryAfterMs: number | null = info?.retryAfterMs ?? null,
): number | null {
  const reset = info ? spentResetMs(info) : null;
  if (retryAfterMs !== null) {
    const refines =
      reset !== null &&
      retryAfterMs % 1000 === 0 &&
      reset <= retryAfterMs &&
      reset > retryAfterMs - 1000;
    return refines ? reset : retryAfterMs;
  }
  if (!info) return null;
  if (reset !== null) return reset;
  const any = [info.resetRequestsMs, info.resetTokensMs].filter((v): v is number => v !== null);
  return any.length > 0 ? Math.max(...any) : null;
}

/** The reset of the allowance the headers say is spent (the later one when both are). */
function spentResetMs(info: RateLimitInfo): number | null {
  const spent = [
    info.remainingRequests === 0 ? info.resetRequestsMs : null,
    info.remainingTokens === 0 ? info.resetTokensMs : null,
  ].filter((v): v is number => v !== null);
  return spent.length > 0 ? Math.max(...spent) : null;
}
