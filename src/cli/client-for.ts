import type { LadderOps } from '../producer/ladder-ops.js';
import { HttpLadderOps } from '../producer/http-client.js';
import { openRedisOps } from '../producer/open-redis-ops.js';
import { redisSource } from '../config/types.js';
import { locateLadder, type ClientOptions, type LadderLocation } from './locate.js';

export type { ClientOptions } from './locate.js';

/** Over the API or over Redis, wherever `locateLadder` finds the ladder. */
export async function clientFor(options: ClientOptions): Promise<LadderOps> {
  return clientAt(await locateLadder(options));
}

/** A client for a ladder already located, for commands that also name it in their messages. */
export async function clientAt(where: LadderLocation): Promise<LadderOps> {
  if (where.kind === 'http') return new HttpLadderOps({ url: where.url, token: where.token });
  const { config } = where;
  return openRedisOps({ url: redisSource(config.redis), prefix: config.redis.prefix, config });
}
