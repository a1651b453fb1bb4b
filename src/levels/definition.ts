import type { RedisClient } from '../util/redis.js';
import type {
  BudgetsConfig,
  LadderConfig,
  LevelConfig,
  Price,
  TargetLimits,
} from '../config/types.js';
import type { Keys } from '../ladder/keys.js';

/**
 * The part of the config a producer needs, published to Redis by every process that starts from a
 * config, so `new LadderClient({ redis })` can validate and route jobs without the YAML file.
 */
export interface LadderDefinition {
  version: 1;
  levels: LevelConfig[];
  complexity: Record<'simple' | 'standard' | 'complex', number>;
  /** `api.max_queue_depth`, so producers over Redis refuse like the API does. */
  max_queue_depth: number | null;
  /** `limits:`, so the ladder state shows each target's limit wherever it is read. */
  limits?: Record<string, TargetLimits>;
  /**
   * `budgets:` and `prices:`, so a client over Redis with no config file skips spent levels and
   * shows each level's budget like the processes that have the config.
   */
  budgets?: BudgetsConfig;
  prices?: Record<string, Price>;
}

export function definitionFromConfig(config: LadderConfig): LadderDefinition {
  return {
    version: 1,
    levels: config.levels,
    complexity: config.complexity,
    max_queue_depth: config.api.maxQueueDepth,
    limits: config.limits,
    budgets: config.budgets,
    prices: config.prices,
  };
}

export async function publishDefinition(
  redis: RedisClient,
  keys: Keys,
  definition: LadderDefinition,
): Promise<void> {
  await redis.set(keys.ladder(), JSON.stringify(definition));
}

export async function loadDefinition(
  redis: RedisClient,
  keys: Keys,
): Promise<LadderDefinition | null> {
  const raw = await redis.get(keys.ladder());
  if (raw === null) return null;
  const parsed = JSON.parse(raw) as LadderDefinition;
  return parsed.version === 1 ? parsed : null;
}

export function levelByNumber(definition: { levels: LevelConfig[] }, level: number): LevelConfig {
  const found = definition.levels[level - 1];
  if (!found) throw new Error(`the ladder has no level ${level}`);
  return found;
}

export function levelByName(
  definition: { levels: LevelConfig[] },
  name: string,
): LevelConfig | undefined {
  return definition.levels.find((l) => l.name === name);
}
