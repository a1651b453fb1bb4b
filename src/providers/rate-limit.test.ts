import { describe, expect, it } from 'vitest';
import { readRateLimit, saturationMs } from './rate-limit.js';

const headers = (h: Record<string, string>): { get(name: string): string | null } => ({
  get: (name) => h[name] ?? null,
});
const NOW = Date.parse('2026-12-02T10:00:00.000Z');

describe('saturationMs: how long a 429 keeps a target saturated', () => {
  it('takes a spent allowance reset that a whole-second Retry-After only rounds up', () => {
    const info = readRateLimit(
      headers({
        'retry-after': '1',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '20ms',
      }),
      NOW,
    );
    expect(saturationMs(info)).toBe(20);
    // The SDK error's own Retry-After, passed apart from the headers, is refined the same way.
    expect(saturationMs(info, 1000)).toBe(20);
  });

  it('keeps Retry-After when the reset does not round up to it', () => {
    const resetFar = readRateLimit(
      headers({
        'retry-after': '2',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '20ms',
      }),
      NOW,
    );
    expect(saturationMs(resetFar)).toBe(2000);
    const notSpent = readRateLimit(
      headers({
        'retry-after': '1',
        'x-ratelimit-remaining-requests': '3',
        'x-ratelimit-reset-requests': '20ms',
      }),
      NOW,
    );
    expect(saturationMs(notSpent)).toBe(1000);
    const msPrecise = readRateLimit(
      headers({
        'retry-after-ms': '1500',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '600ms',
      }),
      NOW,
    );
    expect(saturationMs(msPrecise)).toBe(1500);
  });

  it('falls back to the spent allowance, then to any reset, then to nothing', () => {
    const tokensSpent = readRateLimit(
      headers({
        'anthropic-ratelimit-requests-remaining': '4',
        'anthropic-ratelimit-requests-reset': new Date(NOW + 300).toISOString(),
        'anthropic-ratelimit-tokens-remaining': '0',
        'anthropic-ratelimit-tokens-reset': new Date(NOW + 9000).toISOString(),
      }),
      NOW,
    );
    expect(saturationMs(tokensSpent)).toBe(9000);
    const unsaid = readRateLimit(headers({ 'x-ratelimit-reset-requests': '1s' }), NOW);
    expect(saturationMs(unsaid)).toBe(1000);
    expect(saturationMs(null)).toBeNull();
    expect(saturationMs(null, 3000)).toBe(3000);
  });
});
