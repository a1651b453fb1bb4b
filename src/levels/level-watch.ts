import { createRedisBreakers } from '../breaker/redis-breakers.js';
import type { Breakers } from '../breaker/types.js';
import type { BreakerConfig, LevelConfig } from '../config/types.js';
import type { LevelQueues } from '../jobs/queues.js';
import type { Keys } from '../ladder/keys.js';
import type { Logger } from '../util/log.js';
import type { RedisClient } from '../util/redis.js';
import { LevelView } from './level-view.js';

/**
 * What a process knows of its levels: the breakers (state in Redis, transitions heard on pub/sub)
 * and the level view kept from them. Built once per process and shared by whatever runs in it:
 * `ladder start` hands the same watch to its workers and to its API, so the process holds one
 * breaker subscription and one view, not one per part.
 */
export interface LevelWatch {
  breakers: Breakers;
  view: LevelView;
  close(): Promise<void>;
}

export async function openLevelWatch(input: {
  levels: LevelConfig[];
  /** A patient connection (no fail-fast): breaker scripts must not fail mid-transition. */
  redis: RedisClient;
  keys: Keys;
  queues: LevelQueues;
  breaker: BreakerConfig;
  logger: Logger;
  /** Breakers to use instead of the Redis ones (tests: in memory); not closed by `close()`. */
  breakers?: Breakers;
}): Promise<LevelWatch> {
  const breakers =
    input.breakers ??
    (await createRedisBreakers({
      redis: input.redis,
      keys: input.keys,
      config: input.breaker,
      logger: input.logger,
      targets: input.levels.flatMap((l) => (l.kind === 'llm' ? l.targets.map((t) => t.id) : [])),
    }));
  const view = await new LevelView({
    levels: input.levels,
    breakers,
    queues: input.queues,
    redis: input.redis,
    keys: input.keys,
  }).start();
  return {
    breakers,
    view,
    async close() {
      view.stop();
      if (!input.breakers) await breakers.close();
    },
  };
}
