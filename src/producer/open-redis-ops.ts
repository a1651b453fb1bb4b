import type { RedisClient } from '../util/redis.js';
import { openProcessContext, type ProcessContext } from '../context/process-context.js';
import { createRedisBreakers } from '../breaker/redis-breakers.js';
import type { BudgetsConfig, LadderConfig, RedisConfig } from '../config/types.js';
import { openReplicaWait } from '../results/replication.js';
import { reportFor } from '../cost/producer-side.js';
import { createStateDecorator } from '../cost/state-decorator.js';
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
  /** This process's context (breakers, level states, budget spend), when another part keeps it (not closed here). */
  context?: ProcessContext;
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
  const logLevel = process.env.LOG_LEVEL ?? 'warn';
  const breakerConfig = input.config?.breaker ?? DEFAULT_BREAKER;
  // Operators read and force breakers even before a ladder is published, so these come first.
  const breakers =
    input.context?.breakers ??
    (await createRedisBreakers({
      redis: breakerRedis,
      keys,
      config: breakerConfig,
      logger: createLogger('breaker', logLevel),
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
  if (!input.context) closing.push(() => breakers.close());
  // A producer skips down, paused and spent levels itself, from the same level states and budget spend the workers keep.
  const definition = input.context ? undefined : await ops.definition().catch(() => undefined);
  const context =
    input.context ??
    (definition
      ? await openProcessContext({
          ladder: {
            levels: definition.levels,
            budgets: definition.budgets ?? NO_BUDGETS,
            prices: definition.prices ?? {},
            breaker: breakerConfig,
          },
          redis: breakerRedis,
          keys,
          queues: await ops.levelQueues(),
          logger: {
            breaker: createLogger('breaker', logLevel),
            cost: createLogger('cost', logLevel),
          },
          breakers,
        })
      : undefined);
  if (context && !input.context) closing.unshift(() => context.close());
  if (context) ops.useAvailability(context.availability);
  return ops;
}
