import type { RedisClient } from '../util/redis.js';
import type { TargetLimits } from '../config/types.js';
import type { Keys } from '../ladder/keys.js';
import type { LadderState } from '../ladder/state.js';
import { readQuotaStates } from './read-state.js';

/** Adds each LLM target's `quota` (limit, last-minute use, in flight, saturated_until) to a state. */
export async function withQuota(
  state: LadderState,
  input: { redis: RedisClient; keys: Keys; limits: Record<string, TargetLimits>; nowMs: number },
): Promise<LadderState> {
  const targets = [...new Set(state.levels.flatMap((l) => l.targets.map((t) => t.target)))];
  if (targets.length === 0) return state;
  const quota = await readQuotaStates({ ...input, targets });
  return {
    ...state,
    levels: state.levels.map((level) => ({
      ...level,
      targets: level.targets.map((t) => {
        const q = quota[t.target];
        return q ? { ...t, quota: q } : t;
      }),
    })),
  };
}
