import type { RedisClient } from '../util/redis.js';
import { LevelView } from '../levels/level-view.js';
import type { LevelWatch } from '../levels/level-watch.js';
import { createRedisBreakers } from '../breaker/redis-breakers.js';
import type { BudgetsConfig, LadderConfig, RedisConfig } from '../config/types.js';
import { openReplicaWait } from '../results/replication.js';
import { budgetViewFor, reportFor } from '../cost/producer-side.js';
import { createStateDecorator } from '../cost/state-decorator.js';
import { combineAvailability } from '../levels/availability.js';
import { definitionFromConfig, publishDefinition } from '../levels/definition.js';
import { createKeys } from '../ladder/keys.js';
import { createLogger } from '../util/log.js';
import {
  connectRedis,
  createRedis,
  duplicateRedis,
  isRedisClient,
  type RedisSource,
} from '../util/redis.js';
import { RedisLadderOps } from './redis-ops.js';
import { DEFAULT_BREAKER } from '../config/defaults.js';

const NO_BUDGETS: BudgetsConfig = { levels: {}, agents: {} };

/**
 * Opens LadderOps over Redis with its own connections: a fail-fast producer connection, and the
 * breakers (read and forced by operators). With a config, the ladder's definition is published.
 */
export async function openRedisOps(input: {
  /** A URL, a sentinel or cluster endpoint (a connection is opened), or an open client (shared). */
  url: RedisSource | RedisClient;
  prefix: string;
  config?: LadderConfig;
  /** Without a config: `replicated` waits for a replica before answering an enqueue. */
  durability?: Pick<RedisConfig, 'durability' | 'waitTimeoutMs'>;
  /** This process's breakers and level view, when another part already keeps them (not closed here). */
  watch?: LevelWatch;
}): Promise<RedisLadderOps> {
  const redis = isRedisClient(input.url) ? input.url : createRedis(input.url, 'producer');
  const owned = redis === input.url ? [] : [redis];
  await connectRedis(redis);
  const keys = createKeys(input.prefix);
  if (input.config) await publishDefinition(redis, keys, definitionFromConfig(input.config));
  // Breakers run Lua scripts that must not fail fast mid-transition, so they get a patient connection.
  const breakerRedis = duplicateRedis(redis, {
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
  });
  owned.push(breakerRedis);
  const durability = input.config?.redis ?? input.durability;
  const replicaWait =
    durability?.durability === 'replicated'
      ? await openReplicaWait(redis, keys, durability.waitTimeoutMs)
      : undefined;
  const breakers =
    input.watch?.breakers ??
    (await createRedisBreakers({
      redis: breakerRedis,
      keys,
      config: input.config?.breaker ?? DEFAULT_BREAKER,
      logger: createLogger('breaker', process.env.LOG_LEVEL ?? 'warn'),
    }));
  // Without a config, budgets and prices come from the definition the processes publish.
  const ladderBudgets = async (): Promise<BudgetsConfig> =>
    input.config?.budgets ?? (await ops.definition()).budgets ?? NO_BUDGETS;
  const closing: (() => Promise<void> | void)[] = [];
  const ops: RedisLadderOps = new RedisLadderOps({
    redis,
    prefix: input.prefix,
    owned,
    breakers,
    replicaWait,
    resultsTtlSeconds: input.config?.results.ttlSeconds,
    definition: input.config ? definitionFromConfig(input.config) : undefined,
    decorateState: async (state) =>
      createStateDecorator({ redis, keys, budgets: await ladderBudgets() })(state),
    report: (range) => reportFor(ops, redis, keys)(range),
    onClose: async () => {
      for (const step of closing) await step();
    },
  });
  if (!input.watch) closing.push(() => breakers.close());
  // A producer skips down and paused levels itself, from the same local view the workers keep.
  const definition = await ops.definition().catch(() => undefined);
  const view =
    input.watch?.view ??
    (definition
      ? await new LevelView({
          levels: definition.levels,
          breakers,
          queues: await ops.levelQueues(),
          redis: breakerRedis,
          keys,
        }).start()
      : undefined);
  if (view && !input.watch) closing.unshift(() => view.stop());
  const budgets = definition
    ? await budgetViewFor(
        {
          levels: definition.levels,
          budgets: definition.budgets ?? NO_BUDGETS,
          prices: definition.prices ?? {},
        },
        redis,
        keys,
      )
    : undefined;
  if (budgets) closing.unshift(() => budgets.close());
  if (view || budgets) ops.useAvailability(combineAvailability(view, budgets?.availability));
  return ops;
}
