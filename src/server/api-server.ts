import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiApp } from '../api/app.js';
import { authMode } from '../api/auth.js';
import type { LadderConfig } from '../config/types.js';
import { renderMetrics } from '../metrics/render.js';
import type { RedisLadderOps } from '../producer/redis-ops.js';
import type { Logger } from '../util/log.js';
import { listenHttp } from './listen.js';

export interface ApiServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Listens with the API, Bull Board and the ladder page. Without tokens the API is open, so it
 * binds to loopback only and says so; with tokens it listens on every interface.
 */
export async function startApiServer(input: {
  config: LadderConfig;
  ops: RedisLadderOps;
  port?: number;
  logger: Logger;
}): Promise<ApiServer> {
  const { config, ops, logger } = input;
  const queues = await ops.levelQueues();
  const app = createApiApp({
    ops,
    config: config.api,
    queues: queues.all(),
    logger,
    metrics: () => renderMetrics(ops),
    readiness: async () => {
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
    },
  });
  const mode = authMode(config.api);
  const open = !mode.required;
  const host = mode.bindHost;
  const port = input.port ?? config.api.port;
  const server = await listenHttp({ app, port, host, limits: config.api });
  const address = server.address() as AddressInfo;
  const url = `http://${open ? '127.0.0.1' : 'localhost'}:${address.port}`;
  if (open) logger.warn({ url }, mode.message);
  else logger.info(mode.message);
  logger.info(
    { url, dashboard: `${url}/admin/ladder`, bull_board: `${url}/admin/queues` },
    'API listening',
  );
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
