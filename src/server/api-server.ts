import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authMode } from '../api/auth.js';
import { createLaddersHandler } from '../api/ladders.js';
import { isUsableLadderName, ladderNameOf } from '../config/ladder-set.js';
import type { LadderConfig } from '../config/types.js';
import type { RedisLadderOps } from '../producer/redis-ops.js';
import type { Logger } from '../util/log.js';
import { ladderApp } from './ladder-app.js';
import { listenHttp } from './listen.js';

export interface ApiServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Ends the server and every connection it holds (long polls and event streams included). */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Listens with the API, Bull Board and the ladder page. Without tokens the API is open, so it
 * binds to loopback only and says so; with tokens it listens on every interface. The ladder is
 * also served under `/ladders/{name}` (its prefix without braces), as an API serving several
 * ladders serves each, so a client written for that form works here too.
 */
export async function startApiServer(input: {
  config: LadderConfig;
  ops: RedisLadderOps;
  port?: number;
  logger: Logger;
}): Promise<ApiServer> {
  const { config, ops, logger } = input;
  const { app } = await ladderApp({ config, ops, logger });
  const name = ladderNameOf(config.redis.prefix);
  const mounted = isUsableLadderName(name)
    ? new Map([
        [name, (await ladderApp({ config, ops, logger, basePath: `/ladders/${name}` })).app],
      ])
    : new Map();
  const handler =
    mounted.size === 0
      ? app
      : createLaddersHandler({ ladders: mounted, root: app, rootLadder: name });
  const mode = authMode(config.api);
  const open = !mode.required;
  const host = mode.bindHost;
  const port = input.port ?? config.api.port;
  const server = await listenHttp({ app: handler, port, host, limits: config.api });
  const address = server.address() as AddressInfo;
  const url = `http://${open ? '127.0.0.1' : 'localhost'}:${address.port}`;
  if (open) logger.warn({ url }, mode.message);
  else logger.info(mode.message);
  logger.info(
    { url, dashboard: `${url}/admin/ladder`, bull_board: `${url}/admin/queues` },
    'API listening',
  );
  return { url, server, close: () => closeServer(server) };
}
