import type { RedisClient } from '../util/redis.js';
import type { LadderConfig } from '../config/types.js';
import type { LadderDefinition } from '../levels/definition.js';
import type { Keys } from '../ladder/keys.js';
import { createLogger } from '../util/log.js';
import { BudgetView } from './budget-view.js';
import { createPriceLookup } from './prices.js';
import { buildReport } from './report.js';
import type { Report } from './report-types.js';

/**
 * A producer's budget view (entry levels skip spent ones, the ladder state shows `budget`); it
 * only reads, every second. Undefined when the config sets no budget.
 */
export async function budgetViewFor(
  ladder: Pick<LadderConfig, 'budgets' | 'levels' | 'prices'>,
  redis: RedisClient,
  keys: Keys,
): Promise<BudgetView | undefined> {
  const view = new BudgetView({
    redis,
    keys,
    budgets: ladder.budgets,
    levels: ladder.levels,
    prices: createPriceLookup(ladder.prices),
    logger: createLogger('cost', process.env.LOG_LEVEL ?? 'warn'),
  });
  return view.active ? view.start() : undefined;
}

/** `LadderOps.report` for a client over Redis. */
export function reportFor(
  ops: { definition(): Promise<LadderDefinition> },
  redis: RedisClient,
  keys: Keys,
): (range: { sinceMs: number; untilMs?: number }) => Promise<Report> {
  return async (range) =>
    buildReport({
      redis,
      keys,
      definition: await ops.definition(),
      since: range.sinceMs,
      until: range.untilMs,
    });
}
