import type { RedisClient } from '../util/redis.js';
import type { LadderConfig } from '../config/types.js';
import type { LevelAvailability } from '../levels/availability.js';
import type { Keys } from '../ladder/keys.js';
import type { Logger } from '../util/log.js';
import type { CostFn, WorkerObserver } from '../jobs/hooks.js';
import type { BudgetSpend } from './budget-spend.js';
import { createCostFn } from './cost-fn.js';
import { createPriceLookup, type PriceLookup } from './prices.js';
import { StatsRecorder } from './stats-recorder.js';

export interface CostAccountingOptions {
  config: Pick<LadderConfig, 'prices' | 'levels'>;
  redis: RedisClient;
  keys: Keys;
  logger: Logger;
  /** The process's budget spend (see context/process-context.ts): told of this process's spend. */
  budgets: BudgetSpend;
  /** Epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** A worker process's cost accounting: prices and running totals, wired to its budget spend. */
export interface CostAccounting {
  prices: PriceLookup;
  cost: CostFn;
  budgets: BudgetSpend;
  stats: StatsRecorder;
  /** `budget` for spent levels, and for costly levels when the job's agent is spent. */
  availability: LevelAvailability;
  observer: WorkerObserver;
  /** Waits for pending stats writes (the budget spend is the process context's to stop). */
  close(): Promise<void>;
}

export function startCostAccounting(options: CostAccountingOptions): CostAccounting {
  const { config, redis, keys, logger, budgets } = options;
  const prices = createPriceLookup(config.prices);
  const stats = new StatsRecorder({
    redis,
    keys,
    levels: config.levels,
    prices,
    logger,
    now: options.now,
    onSpend: (spend) => budgets.record(spend),
  });
  return {
    prices,
    cost: createCostFn(config, logger, { prices }),
    budgets,
    stats,
    availability: budgets.availability,
    observer: stats.observer,
    async close() {
      await stats.flush();
    },
  };
}

/** Observers called in turn; one that throws does not stop the others. */
export function chainObservers(...observers: (WorkerObserver | undefined)[]): WorkerObserver {
  const present = observers.filter((o): o is WorkerObserver => o !== undefined);
  const each = (call: (o: WorkerObserver) => void): void => {
    for (const o of present) {
      try {
        call(o);
      } catch {
        // An observer is bookkeeping: it must never fail a job.
      }
    }
  };
  return {
    providerCall: (c) => each((o) => o.providerCall?.(c)),
    jobFinished: (r, served) => each((o) => o.jobFinished?.(r, served)),
    quotaWait: (w) => each((o) => o.quotaWait?.(w)),
    rateLimited: (c) => each((o) => o.rateLimited?.(c)),
  };
}
