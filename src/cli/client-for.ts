import type { LadderOps } from '../producer/ladder-ops.js';
import { HttpLadderOps } from '../producer/http-client.js';
import { openRedisOps } from '../producer/open-redis-ops.js';
import { cliConfig, type CommonOptions } from './context.js';
import { redisSource } from '../config/types.js';

export interface ClientOptions extends CommonOptions {
  url?: string;
  token?: string;
}

/** Over the API with `--url` (or LADDER_URL), else over Redis through the config. */
export async function clientFor(options: ClientOptions): Promise<LadderOps> {
  const url = options.url ?? process.env.LADDER_URL;
  if (url) return new HttpLadderOps({ url, token: options.token ?? process.env.LADDER_API_TOKEN });
  const config = cliConfig(options);
  return openRedisOps({ url: redisSource(config.redis), prefix: config.redis.prefix, config });
}
