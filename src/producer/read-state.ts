import type { Breakers, BreakerSnapshot } from '../breaker/types.js';
import type { LevelAvailability } from '../levels/availability.js';
import type { LadderDefinition } from '../levels/definition.js';
import type { LadderState, LevelState } from '../ladder/state.js';
import type { LevelQueues } from '../jobs/queues.js';
import type { Keys } from '../ladder/keys.js';
import { withQuota } from '../quota/state-decorator.js';
import type { RedisClient } from '../util/redis.js';

const UNKNOWN_BREAKER: BreakerSnapshot = {
  state: 'closed',
  since: new Date(0).toISOString(),
  calls: 0,
  failures: 0,
  last_errors: [],
  half_open_at: null,
};

/** The ladder as `GET /v1/ladder` shows it: levels, queue depths, breakers. */
export async function readLadderState(input: {
  definition: LadderDefinition;
  queues: LevelQueues;
  breakers?: Breakers;
  availability: LevelAvailability;
  now: number;
}): Promise<LadderState> {
  const levels = await Promise.all(
    input.definition.levels.map(async (level): Promise<LevelState> => {
      const counts = await input.queues
        .queue(level.name)
        .getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
      const targets =
        level.kind === 'llm'
          ? await Promise.all(
              level.targets.map(async (t) => ({
                target: t.id,
                breaker: input.breakers ? await input.breakers.snapshot(t.id) : UNKNOWN_BREAKER,
              })),
            )
          : [];
      return {
        level: level.level,
        name: level.name,
        kind: level.kind,
        state: input.availability.unavailable(level, {}) ?? 'live',
        queue: {
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          completed: counts.completed ?? 0,
          failed: counts.failed ?? 0,
        },
        budget: null,
        targets,
      };
    }),
  );
  return { levels, complexity: input.definition.complexity, at: new Date(input.now).toISOString() };
}

/** The ladder's state with each level's quota limits read in (what `LadderOps.ladder` answers). */
export async function readLadderWithLimits(
  input: Parameters<typeof readLadderState>[0] & { redis: RedisClient; keys: Keys },
): Promise<LadderState> {
  const state = await readLadderState(input);
  return withQuota(state, {
    redis: input.redis,
    keys: input.keys,
    limits: input.definition.limits ?? {},
    nowMs: input.now,
  });
}
