export type WaitOutcome = 'elapsed' | 'timeout' | 'aborted';

export interface WaitOptions {
  /** How long the simulated call takes. */
  latencyMs: number;
  /** The caller's per-call timeout; a latency beyond it ends as `timeout` after `timeoutMs`. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Waits like a provider would, ending early on the caller's timeout or abort. Zero latency
 * resolves without a timer: benchmarks run the simulated provider at full speed.
 */
export function simulateLatency({
  latencyMs,
  timeoutMs,
  signal,
}: WaitOptions): Promise<WaitOutcome> | WaitOutcome {
  if (signal?.aborted) return 'aborted';
  if (latencyMs <= 0) return 'elapsed';
  const timedOut = timeoutMs > 0 && timeoutMs < latencyMs;
  const delayMs = timedOut ? timeoutMs : latencyMs;
  return new Promise<WaitOutcome>((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve('aborted');
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(timedOut ? 'timeout' : 'elapsed');
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
