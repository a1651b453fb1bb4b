import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../test/helpers/redis-server.js';

export interface BenchRedis {
  url: string;
  version: string;
  /** A plain command connection for the bench's own reads. */
  client: Redis;
  dispose(): Promise<void>;
}

/** A private redis-server with no persistence (appendonly no, save ''), so disk never sets the pace. */
export async function startBenchRedis(): Promise<BenchRedis> {
  const server: RedisServerHandle = await startRedisServer({ appendOnly: false });
  const client = new Redis(server.url, { maxRetriesPerRequest: null });
  const info = await client.info('server');
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  return {
    url: server.url,
    version,
    client,
    async dispose() {
      client.disconnect();
      await server.dispose();
    },
  };
}

/** Commands Redis received while counting, split by who sent them. */
export interface CommandCount {
  /** Sent by clients: each one a request on the wire (a pipeline sends several per round trip). */
  client: number;
  /** Run inside Lua scripts: no round trip, but Redis time. */
  lua: number;
  byName: Map<string, number>;
}

/**
 * Counts commands with MONITOR, leaving out the bench's own connections (known by their local
 * address), so the figures are what the workers and producers under test sent.
 */
export async function startCounting(
  url: string,
  exclude: readonly Redis[],
): Promise<{ stop(): Promise<CommandCount> }> {
  const monitorClient = new Redis(url, { maxRetriesPerRequest: null });
  const own = new Set(exclude.map((c) => `127.0.0.1:${c.stream?.localPort ?? 0}`));
  const monitor = await monitorClient.monitor();
  const count: CommandCount = { client: 0, lua: 0, byName: new Map() };
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (own.has(source)) return;
    const name = (args[0] ?? '').toLowerCase();
    if (source === 'lua') count.lua += 1;
    else count.client += 1;
    const key = source === 'lua' ? `lua:${name}` : name;
    count.byName.set(key, (count.byName.get(key) ?? 0) + 1);
  });
  return {
    async stop() {
      // MONITOR output trails the commands a little: let it catch up before closing.
      await new Promise((r) => setTimeout(r, 200));
      monitor.disconnect();
      monitorClient.disconnect();
      return count;
    },
  };
}
