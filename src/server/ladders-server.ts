import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import { authMode } from '../api/auth.js';
import { createLaddersHandler, createLaddersRootApp } from '../api/ladders.js';
import type { Readiness } from '../api/types.js';
import type { LadderConfig } from '../config/types.js';
import type { RedisLadderOps } from '../producer/redis-ops.js';
import type { Logger } from '../util/log.js';
import { closeServer, type ApiServer } from './api-server.js';
import { ladderApp } from './ladder-app.js';
import { listenHttp } from './listen.js';

/** One ladder of several: its name (checked by `checkLadderSet`), config and Redis client. */
export interface ServedLadder {
  name: string;
  config: LadderConfig;
  ops: RedisLadderOps;
}

/** Ready when every ladder is: one unreachable Redis makes the process unready, naming the ladder. */
function allReady(
  checks: ReadonlyArray<readonly [string, () => Promise<Readiness>]>,
): () => Promise<Readiness> {
  return async () => {
    const results = await Promise.all(
      checks.map(async ([name, check]): Promise<[string, Readiness]> => [name, await check()]),
    );
    const failing = results.filter(([, ready]) => !ready.ok);
    return {
      ok: failing.length === 0,
      ...(failing.length === 0
        ? {}
        : {
            detail: failing
              .map(([name, ready]) => `${name}: ${ready.detail ?? 'not ready'}`)
              .join('; '),
          }),
      ladders: Object.fromEntries(results),
    };
  };
}

/**
 * One HTTP server for several ladders, each under `/ladders/{name}` with its own tokens and
 * limits; the root answers health, readiness (every ladder's) and docs. The server's own settings
 * (port, timeouts, connection cap) are the first config's: `checkLadderSet` made them agree. It
 * listens on every interface only when every ladder has tokens.
 */
export async function startLaddersServer(input: {
  ladders: readonly ServedLadder[];
  port?: number;
  logger: Logger;
}): Promise<ApiServer> {
  const { ladders, logger } = input;
  const first = ladders[0];
  if (first === undefined) throw new Error('startLaddersServer: no ladder to serve');
  const apps = new Map<string, RequestListener>();
  const checks: Array<readonly [string, () => Promise<Readiness>]> = [];
  for (const ladder of ladders) {
    const built = await ladderApp({
      config: ladder.config,
      ops: ladder.ops,
      logger: logger.child({ ladder: ladder.name }),
      basePath: `/ladders/${ladder.name}`,
    });
    apps.set(ladder.name, built.app);
    checks.push([ladder.name, built.readiness]);
  }
  const openLadders = ladders.filter((l) => !authMode(l.config.api).required).map((l) => l.name);
  const open = openLadders.length > 0;
  const names = ladders.map((l) => l.name);
  const root = createLaddersRootApp({ names, readiness: allReady(checks), open, logger });
  const server = await listenHttp({
    app: createLaddersHandler({ ladders: apps, root }),
    port: input.port ?? first.config.api.port,
    host: open ? '127.0.0.1' : '0.0.0.0',
    limits: first.config.api,
  });
  const address = server.address() as AddressInfo;
  const url = `http://${open ? '127.0.0.1' : 'localhost'}:${address.port}`;
  if (open) {
    logger.warn(
      { url, open_ladders: openLadders },
      'some ladders have no API token (api.tokens or LADDER_API_TOKENS): they are open, so the API listens on 127.0.0.1 only',
    );
  } else {
    logger.info(`API auth on for every ladder: /ladders/{name}/... needs that ladder's token`);
  }
  logger.info(
    {
      url,
      ladders: Object.fromEntries(
        names.map((name) => [
          name,
          { url: `${url}/ladders/${name}`, dashboard: `${url}/ladders/${name}/admin/ladder` },
        ]),
      ),
    },
    'API listening',
  );
  return { url, server, close: () => closeServer(server) };
}
