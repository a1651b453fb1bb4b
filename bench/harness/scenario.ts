import type { Redis } from 'ioredis';
import type { BenchOptions } from './options.js';
import type { Row } from './report.js';

/** What every scenario gets: the private Redis and the run's size. */
export interface ScenarioContext {
  url: string;
  redis: Redis;
  options: BenchOptions;
  log(message: string): void;
}

export interface Scenario {
  name: string;
  run(ctx: ScenarioContext): Promise<Row[]>;
}

/** Runs `measure` for both sides `reps` times, alternating which side goes first. */
export async function alternate<T>(
  reps: number,
  measure: (side: 'ladder' | 'bare', rep: number) => Promise<T>,
): Promise<{ ladder: T[]; bare: T[] }> {
  const out = { ladder: [] as T[], bare: [] as T[] };
  for (let rep = 0; rep < reps; rep++) {
    const order: ('ladder' | 'bare')[] = rep % 2 === 0 ? ['ladder', 'bare'] : ['bare', 'ladder'];
    for (const side of order) out[side].push(await measure(side, rep));
  }
  return out;
}
