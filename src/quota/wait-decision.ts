import type { QuotaMeta } from './types.js';

/**
 * Whether a job waits for a target's quota or moves on. Waiting keeps the job on the best target
 * its deadline allows; it moves on when the wait would not leave room for a call before the
 * deadline, or when its waits for this target would add up past `fallback.retry_after_cap_ms`
 * (so a target that answers 429 to everything for long cannot hold jobs indefinitely).
 */
export type WaitDecision = { wait: true } | { wait: false; why: 'deadline' | 'cap' };

export function decideWait(input: {
  waitMs: number;
  /** What the job already waited for this target. */
  waitedMs: number;
  capMs: number;
  /** Epoch ms, null for no deadline. */
  deadlineAt: number | null;
  nowMs: number;
  /** Room kept after the wait for the call itself (and the next level's, should it fail). */
  reserveMs: number;
}): WaitDecision {
  if (input.waitedMs + input.waitMs > input.capMs) return { wait: false, why: 'cap' };
  if (input.deadlineAt !== null && input.nowMs + input.waitMs + input.reserveMs > input.deadlineAt)
    return { wait: false, why: 'deadline' };
  return { wait: true };
}

/** Adds the wait that just ended (the job is running again) to its totals. */
export function resumeQuota(meta: QuotaMeta | undefined, nowMs: number): QuotaMeta {
  const base: QuotaMeta = meta
    ? { waits: { ...meta.waits }, total_ms: meta.total_ms }
    : { waits: {}, total_ms: 0 };
  const parked = meta?.parked;
  if (!parked) return base;
  const waited = Math.max(0, nowMs - parked.at);
  base.waits[parked.target] = (base.waits[parked.target] ?? 0) + waited;
  base.total_ms += waited;
  return base;
}
