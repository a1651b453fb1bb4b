import { createRedisBreakers } from '../breaker/redis-breakers.js';
import type { Breakers } from '../breaker/types.js';
import type { BreakerConfig, BudgetsConfig, LevelConfig, Price } from '../config/types.js';
import { BudgetSpend } from '../cost/budget-spend.js';
import { createPriceLookup } from '../cost/prices.js';
import type { LevelQueues } from '../jobs/queues.js';
import type { Keys } from '../ladder/keys.js';
import { combineAvailability, type LevelAvailability } from '../levels/availability.js';
import { LevelStates } from '../levels/level-states.js';
import type { Logger } from '../util/log.js';
import type { RedisClient } from '../util/redis.js';

/**
 * What a process knows of its ladder: the breakers (state in Redis, transitions heard on
 * pub/sub), the level states kept from them, and the budget spend (read back every second).
 * Built once per process by `openProcessContext` and shared by whatever runs in it: `ladder start`
 * hands its workers' context to its API, so the process holds one breaker subscription, one level
 * view and one budget refresh, not one per part.
 */
export interface ProcessContext {
  breakers: Breakers;
  levelStates: LevelStates;
  budgets: BudgetSpend;
  /** Which levels take jobs as this process sees them: the level states', then the budgets'. */
  availability: LevelAvailability;
  close(): Promise<void>;
}

export async function openProcessContext(input: {
  ladder: {
    levels: LevelConfig[];
    budgets: BudgetsConfig;
    prices: Record<string, Price>;
    breaker: BreakerConfig;
  };
  /** A patient connection (no fail-fast): breaker scripts must not fail mid-transition. */
  redis: RedisClient;
  keys: Keys;
  queues: LevelQueues;
  logger: { breaker: Logger; cost: Logger };
  /** Breakers to use instead of the Redis ones (tests: in memory, a producer's own); not closed by `close()`. */
  breakers?: Breakers;
  /** Epoch ms, for budget periods. Default `Date.now`. */
  now?: () => number;
  /** How often budget spend is read back. Default 1000. */
  budgetRefreshMs?: number;
}): Promise<ProcessContext> {
  const { ladder, redis, keys } = input;
  const breakers =
    input.breakers ??
    (await createRedisBreakers({
      redis,
      keys,
      config: ladder.breaker,
      logger: input.logger.breaker,
      targets: ladder.levels.flatMap((l) => (l.kind === 'llm' ? l.targets.map((t) => t.id) : [])),
    }));
  const levelStates = await new LevelStates({
    levels: ladder.levels,
    breakers,
    queues: input.queues,
    redis,
    keys,
  }).start();
  // Reads nothing while the ladder sets no budget.
  const budgets = await new BudgetSpend({
    redis,
    keys,
    budgets: ladder.budgets,
    levels: ladder.levels,
    prices: createPriceLookup(ladder.prices),
    now: input.now,
    refreshMs: input.budgetRefreshMs,
    logger: input.logger.cost,
  }).start();
  return {
    breakers,
    levelStates,
    budgets,
    availability: combineAvailability(levelStates, budgets.availability),
    async close() {
      budgets.close();
      levelStates.stop();
      if (!input.breakers) await breakers.close();
    },
  };
}
