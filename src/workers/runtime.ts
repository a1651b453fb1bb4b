import { setMaxListeners } from 'node:events';
import type { Worker } from 'bullmq';
import type { RedisClient } from '../util/redis.js';
import type { Breakers } from '../breaker/types.js';
import { type LadderConfig, type LevelConfig, redisSource } from '../config/types.js';
import { LevelController } from '../levels/level-controller.js';
import { openProcessContext, type ProcessContext } from '../context/process-context.js';
import { combineAvailability, type LevelAvailability } from '../levels/availability.js';
import { definitionFromConfig, publishDefinition } from '../levels/definition.js';
import { chainObservers, startCostAccounting } from '../cost/accounting.js';
import { createKeys } from '../ladder/keys.js';
import { RedisQuota } from '../quota/redis-quota.js';
import { LevelQueues } from '../jobs/queues.js';
import { createProviders, missingApiKeys, type ProviderRegistry } from '../providers/registry.js';
import { RedisResultStore } from '../results/redis-result-store.js';
import { ResponseCache } from '../cache/response-cache.js';
import { componentLogger, createLogger, type Logger } from '../util/log.js';
import { connectRedis, createRedis } from '../util/redis.js';
import { SYSTEM_CLOCK, type Clock, type CostFn, type WorkerObserver } from '../jobs/hooks.js';
import type { WorkerContext } from './context.js';
import { createLevelWorker } from './level-worker.js';
import { ActiveJobs, closeWorkerGracefully } from './worker-close.js';
import { JobHandoff } from './job-handoff.js';
import { InvalidOutputStreaks } from '../output/invalid-streak.js';
import { sweepLevel } from './sweep-level.js';
import { redisJobStreams } from '../streaming/job-streams.js';
import { openReplicaWait } from '../results/replication.js';
import { closeRedis } from '../util/close-redis.js';
import { whileUp } from '../util/while-up.js';

export interface WorkerRuntimeOptions {
  config: LadderConfig;
  /** Level names or numbers to serve. Default: every level. */
  levels?: (string | number)[];
  /** Overrides `worker.concurrency`. */
  concurrency?: number;
  logger?: Logger;
  /** Shared connection for commands; created from `config.redis` when absent (and closed). */
  redis?: RedisClient;
  providers?: ProviderRegistry;
  breakers?: Breakers;
  /** This process's context (breakers, level states, budget spend) when another part keeps it; not closed here. */
  context?: ProcessContext;
  availability?: LevelAvailability;
  cost?: CostFn;
  observer?: WorkerObserver;
  clock?: Clock;
}

export interface WorkerRuntime {
  readonly levels: LevelConfig[];
  readonly workers: Worker[];
  readonly providers: ProviderRegistry;
  readonly breakers: Breakers;
  /** The process context this runtime keeps (breakers, level states, budget spend), for other parts to share. */
  readonly context: ProcessContext;
  readonly redis: RedisClient;
  /** Stops taking jobs, lets active ones finish within `worker.shutdown_grace_ms`, closes. */
  close(): Promise<void>;
}

/** Picks the levels a process serves; a name or number the ladder lacks is an error naming it. */
export function selectLevels(
  config: LadderConfig,
  wanted: (string | number)[] | undefined,
): LevelConfig[] {
  if (!wanted || wanted.length === 0) return config.levels;
  return wanted.map((ref) => {
    const asNumber = typeof ref === 'number' ? ref : /^\d+$/.test(ref) ? Number(ref) : undefined;
    const found =
      asNumber !== undefined
        ? config.levels[asNumber - 1]
        : config.levels.find((l) => l.name === ref);
    if (!found) {
      const names = config.levels.map((l) => `${l.level} ${l.name}`).join(', ');
      throw new Error(`${config.source}: no level "${ref}" in the ladder (levels: ${names})`);
    }
    return found;
  });
}

/** Starts worker pools for some levels of a ladder, in this process. */
export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { config } = options;
  const logger = options.logger ?? createLogger('worker');
  const levels = selectLevels(config, options.levels);
  const served = { ...config, levels: config.levels.filter((l) => levels.includes(l)) };
  const missing = missingApiKeys(served);
  if (missing.length > 0) throw new Error(missing.map((m) => m.message).join('\n'));

  const keys = createKeys(config.redis.prefix);
  const ownsRedis = !options.redis;
  const redis = options.redis ?? createRedis(redisSource(config.redis), 'worker');
  await connectRedis(redis, 10_000);
  await publishDefinition(redis, keys, definitionFromConfig(config));

  // Only the served levels' providers: a worker loads no SDK its levels do not call.
  const providers = options.providers ?? (await createProviders(served));
  const queues = new LevelQueues(
    redis,
    config.redis.prefix,
    config.levels,
    config.results.ttlSeconds,
  );
  const now = (): number => (options.clock ?? SYSTEM_CLOCK).now();
  const context =
    options.context ??
    (await openProcessContext({
      ladder: config,
      redis,
      keys,
      queues,
      logger: {
        breaker: componentLogger(logger, 'breaker'),
        cost: componentLogger(logger, 'cost'),
      },
      breakers: options.breakers,
      now,
    }));
  const { breakers, levelStates, budgets } = context;
  const accounting = startCostAccounting({
    config,
    redis,
    keys,
    logger: componentLogger(logger, 'cost'),
    budgets,
    now,
  });
  const quota = new RedisQuota({
    redis,
    keys,
    limits: config.limits,
    config: config.quota,
    now,
  });
  const stopLoggingTransitions = breakers.onTransition((t) => accounting.stats.recordTransition(t));

  // Workers wait for ever, so the replica check gets a patient copy of the worker connection.
  const replicaWait =
    config.redis.durability === 'replicated'
      ? await openReplicaWait(redis, keys, config.redis.waitTimeoutMs)
      : undefined;

  const shutdown = new AbortController();
  // Every provider call in flight listens to it (the SDKs' fetch too): at a concurrency above ten
  // Node would call that a leak and print a warning per process. The listeners go with their calls.
  setMaxListeners(0, shutdown.signal);
  const ctx: WorkerContext = {
    levels: config.levels,
    fallback: config.fallback,
    providerSettings: config.providers,
    providers,
    breakers,
    availability: combineAvailability(levelStates, options.availability, budgets.availability),
    results: new RedisResultStore(redis, keys, config.results.ttlSeconds),
    cache: new ResponseCache(redis, keys, config.cache.ttlSeconds),
    queue: (name) => queues.queue(name),
    cost: options.cost ?? accounting.cost,
    invalidOutput: new InvalidOutputStreaks(config.breaker.invalidOutputThreshold),
    quota,
    streams: redisJobStreams({
      redis,
      keys,
      ttlSeconds: config.results.ttlSeconds,
      logger: componentLogger(logger, 'stream'),
    }),
    observer: chainObservers(options.observer, accounting.observer),
    clock: options.clock ?? SYSTEM_CLOCK,
    logger,
    shutdown: shutdown.signal,
    ...(replicaWait ? { replicaWait } : {}),
  };

  // One handoff for every level's worker: they share the connection its script is defined on.
  const handoff = JobHandoff.open(ctx, redis);
  const active = new ActiveJobs();
  const workers = levels.map((level) =>
    createLevelWorker({
      handoff,
      ctx,
      level,
      connection: redis,
      prefix: config.redis.prefix,
      settings: config.worker,
      concurrency: options.concurrency,
      active,
    }),
  );
  const controller = new LevelController({
    levels: config.levels,
    breakers,
    queues,
    redis,
    keys,
    levelStates,
    sweep: (level) => sweepLevel(ctx, level, queues.queue(level.name)),
    logger: componentLogger(logger, 'levels'),
  }).start();
  for (const worker of workers) void worker.run();
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  logger.info(
    {
      levels: levels.map((l) => l.name),
      concurrency: options.concurrency ?? config.worker.concurrency,
    },
    'workers started',
  );

  return {
    levels,
    workers,
    providers,
    breakers,
    context,
    redis,
    async close() {
      const outcomes = await Promise.all(
        workers.map((w) =>
          closeWorkerGracefully(w, {
            graceMs: config.worker.shutdownGraceMs,
            cut: shutdown,
            redis,
            active,
          }),
        ),
      );
      logger.info({ outcomes }, 'workers stopped');
      // The last writes (a level move under way, quota counts, cost stats) go out while Redis
      // is there: on this patient connection they would otherwise wait for ever once it is gone.
      await whileUp(redis, controller.stop());
      if (!options.context) await context.close();
      await whileUp(redis, quota.close());
      stopLoggingTransitions();
      await whileUp(redis, accounting.close());
      await queues.close();
      replicaWait?.close();
      // QUIT waits for a reconnect that may never come: a connection that is not up is dropped.
      if (ownsRedis) await closeRedis(redis);
    },
  };
}
