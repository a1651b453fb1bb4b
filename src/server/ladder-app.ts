import type { Express } from 'express';
import { createApiApp } from '../api/app.js';
import type { Readiness } from '../api/types.js';
import type { LadderConfig } from '../config/types.js';
import { renderMetrics } from '../metrics/render.js';
import type { RedisLadderOps } from '../producer/redis-ops.js';
import type { Logger } from '../util/log.js';

/** Redis reachable and the level queues' keys of the right type. */
export function ladderReadiness(ops: RedisLadderOps, logger: Logger): () => Promise<Readiness> {
  return async () => {
    try {
      await ops.ping();
    } catch {
      return { ok: false, detail: 'Redis is not reachable' };
    }
    const damaged = await ops.queueKeyProblems();
    if (damaged.length > 0) {
      logger.error({ problems: damaged }, 'level queue keys have the wrong type');
      // The endpoint is open: the keys are named in the log only.
      return { ok: false, detail: 'a level queue has keys of the wrong type (see the API log)' };
    }
    return { ok: true };
  };
}

/** One ladder's API app over Redis; `basePath` is where it is mounted (see createApiApp). */
export async function ladderApp(input: {
  config: LadderConfig;
  ops: RedisLadderOps;
  logger: Logger;
  basePath?: string;
}): Promise<{ app: Express; readiness: () => Promise<Readiness> }> {
  const { config, ops, logger } = input;
  const queues = await ops.levelQueues();
  const readiness = ladderReadiness(ops, logger);
  const app = createApiApp({
    ops,
    config: config.api,
    queues: queues.all(),
    logger,
    metrics: () => renderMetrics(ops),
    readiness,
    ...(input.basePath === undefined ? {} : { basePath: input.basePath }),
  });
  return { app, readiness };
}
