import type { LevelConfig } from '../config/types.js';
import type { BreakerStateName } from '../breaker/types.js';

/** States in which a breaker takes no call at all (half-open takes probes, so it does not count). */
const REFUSING: readonly BreakerStateName[] = ['open', 'forced_open'];

/** A level is down when none of its targets can take a call; cache and static levels never are. */
export function isLevelDown(
  level: LevelConfig,
  stateOf: (target: string) => BreakerStateName,
): boolean {
  if (level.kind !== 'llm' || level.targets.length === 0) return false;
  return level.targets.every((t) => REFUSING.includes(stateOf(t.id)));
}

/** Who paused a level's queue: the breaker (which resumes it) or an operator (who must). */
export type PausedBy = 'breaker' | 'operator';
