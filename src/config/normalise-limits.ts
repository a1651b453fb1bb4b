/**
 * `limits:` (per-target rpm, tpm, concurrency) and `quota:`. Limit keys must name a target of the
 * ladder: a limit on a target no level calls is almost always a typo, and would silently do nothing.
 */
import { problem, type ConfigProblem } from './errors.js';
import { childPath, describeValue } from './path.js';
import type { CommonInput } from './schema.js';
import type { LevelConfig, QuotaConfig, TargetLimits } from './types.js';

type Problems = ConfigProblem[];

export function limits(
  input: CommonInput['limits'],
  levels: LevelConfig[],
  problems: Problems,
): Record<string, TargetLimits> {
  const targets = [
    ...new Set(levels.flatMap((l) => (l.kind === 'llm' ? l.targets.map((t) => t.id) : []))),
  ];
  const out: Record<string, TargetLimits> = {};
  for (const [key, entry] of Object.entries(input ?? {})) {
    const path = childPath('limits', key);
    if (!targets.includes(key)) {
      problems.push(
        problem(path, `a target of the ladder (${targets.join(', ')})`, describeValue(key)),
      );
      continue;
    }
    const { rpm, tpm, concurrency } = entry ?? {};
    if (rpm === undefined && tpm === undefined && concurrency === undefined) {
      problems.push(problem(path, 'at least one of rpm, tpm or concurrency', 'none'));
      continue;
    }
    out[key] = {
      ...(rpm === undefined ? {} : { rpm }),
      ...(tpm === undefined ? {} : { tpm }),
      ...(concurrency === undefined ? {} : { concurrency }),
    };
  }
  return out;
}

export function quota(input: CommonInput['quota']): QuotaConfig {
  return { adaptive: input?.adaptive ?? true };
}
