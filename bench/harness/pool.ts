/** Runs `task(0..n-1)` with at most `inFlight` running at once; answers the elapsed ms. */
export async function runPool(
  n: number,
  inFlight: number,
  task: (i: number) => Promise<unknown>,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, lane));
  return performance.now() - started;
}

export const perSecond = (n: number, elapsedMs: number): number => n / (elapsedMs / 1000);
