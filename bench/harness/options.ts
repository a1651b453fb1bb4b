/** How big a bench run is: the full run (about ten minutes here) or a quick smoke run for CI. */
export interface BenchOptions {
  quick: boolean;
  /** Repetitions per measurement; sides alternate between them. */
  reps: number;
  /** Scenario names to run; empty for all. */
  only: string[];
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const quick = argv.includes('--quick') || env.BENCH_QUICK === '1';
  const onlyArg = argv.find((a) => a.startsWith('--only='));
  const repsArg = argv.find((a) => a.startsWith('--reps='));
  return {
    quick,
    reps: repsArg ? Math.max(1, Number(repsArg.slice('--reps='.length))) : quick ? 1 : 3,
    only: onlyArg ? onlyArg.slice('--only='.length).split(',').filter(Boolean) : [],
  };
}

/** Picks the full or the quick figure. */
export function size<T>(options: BenchOptions, full: T, quick: T): T {
  return options.quick ? quick : full;
}
