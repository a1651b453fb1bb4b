import { describe, expect, it } from 'vitest';
import { decideWait, resumeQuota } from './wait-decision.js';

const base = { waitedMs: 0, capMs: 30_000, deadlineAt: null, nowMs: 1000, reserveMs: 1000 };

describe('decideWait', () => {
  it('waits when the deadline and the cap leave room', () => {
    expect(decideWait({ ...base, waitMs: 5000 })).toEqual({ wait: true });
    expect(decideWait({ ...base, waitMs: 5000, deadlineAt: 7000 })).toEqual({ wait: true });
  });
  it('moves on when the wait leaves no room for the call before the deadline', () => {
    expect(decideWait({ ...base, waitMs: 5000, deadlineAt: 6999 })).toEqual({
      wait: false,
      why: 'deadline',
    });
  });
  it('moves on once the waits for one target add up past the cap', () => {
    expect(decideWait({ ...base, waitMs: 10_000, waitedMs: 20_000 })).toEqual({ wait: true });
    expect(decideWait({ ...base, waitMs: 10_001, waitedMs: 20_000 })).toEqual({
      wait: false,
      why: 'cap',
    });
  });
});

describe('resumeQuota', () => {
  it('adds the wait that ended to the target and the total', () => {
    const meta = resumeQuota(
      { waits: { 'a/b': 100 }, total_ms: 150, parked: { target: 'a/b', at: 1000 } },
      1600,
    );
    expect(meta).toEqual({ waits: { 'a/b': 700 }, total_ms: 750 });
    expect(resumeQuota(undefined, 5)).toEqual({ waits: {}, total_ms: 0 });
  });
});
