import type { Redis } from 'ioredis';

/** Every key under `pattern` with its value as text, read by type (strings, hashes, lists, sets, zsets, streams). */
export async function dumpRedis(redis: Redis, pattern: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  for (let round = 0; round < 10_000; round++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    for (const key of keys) out.set(key, await readValue(redis, key));
    cursor = next;
    if (cursor === '0') break;
  }
  return out;
}

async function readValue(redis: Redis, key: string): Promise<string> {
  switch (await redis.type(key)) {
    case 'string':
      return (await redis.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'list':
      return JSON.stringify(await redis.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await redis.smembers(key));
    case 'zset':
      return JSON.stringify(await redis.zrange(key, '0', '-1', 'WITHSCORES'));
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      return '';
  }
}
