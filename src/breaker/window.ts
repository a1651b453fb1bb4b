import type { WindowBucket } from './state.js';

/** Buckets still (at least partly) inside the window ending at `nowMs`. */
export function pruneWindow(
  buckets: readonly WindowBucket[],
  nowMs: number,
  windowMs: number,
  bucketMs: number,
): WindowBucket[] {
  return buckets.filter((b) => b.startMs + bucketMs > nowMs - windowMs);
}

/** Adds calls and failures to the bucket holding `nowMs`, after pruning; returns a new array. */
export function countInWindow(
  buckets: readonly WindowBucket[],
  opts: { nowMs: number; windowMs: number; bucketMs: number; calls: number; failures: number },
): WindowBucket[] {
  const startMs = Math.floor(opts.nowMs / opts.bucketMs) * opts.bucketMs;
  const kept = pruneWindow(buckets, opts.nowMs, opts.windowMs, opts.bucketMs);
  const found = kept.find((b) => b.startMs === startMs);
  const next = found
    ? kept.map((b) =>
        b === found
          ? { ...b, calls: b.calls + opts.calls, failures: b.failures + opts.failures }
          : b,
      )
    : [...kept, { startMs, calls: opts.calls, failures: opts.failures }];
  return next.sort((a, b) => a.startMs - b.startMs);
}

export function windowTotals(buckets: readonly WindowBucket[]): {
  calls: number;
  failures: number;
} {
  let calls = 0;
  let failures = 0;
  for (const b of buckets) {
    calls += b.calls;
    failures += b.failures;
  }
  return { calls, failures };
}
