/** Small statistics over repeated measurements; no dependencies so the bench stays self-contained. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function summarise(samples: readonly number[]): Summary {
  return {
    median: median(samples),
    min: samples.length ? Math.min(...samples) : Number.NaN,
    max: samples.length ? Math.max(...samples) : Number.NaN,
    samples: [...samples],
  };
}

/** Latency percentiles of one run, in ms. */
export interface LatencyFigures {
  p50: number;
  p95: number;
  p99: number;
}

export function latencyFigures(samplesMs: readonly number[]): LatencyFigures {
  return {
    p50: percentile(samplesMs, 50),
    p95: percentile(samplesMs, 95),
    p99: percentile(samplesMs, 99),
  };
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until true; answers the elapsed ms, or throws after `timeoutMs`. */
export async function until(
  check: () => Promise<boolean> | boolean,
  options: { timeoutMs: number; everyMs?: number; what: string },
): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > options.timeoutMs)
      throw new Error(`bench: ${options.what} not within ${options.timeoutMs} ms`);
    await sleep(options.everyMs ?? 10);
  }
  return performance.now() - started;
}
