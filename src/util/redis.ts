import { Redis, type RedisOptions } from 'ioredis';

/**
 * Connections for the three roles. Producers fail fast (no offline queue, bounded retries) so an
 * API can answer 503 instead of hanging; workers and subscribers wait for Redis for ever, as BullMQ
 * requires (`maxRetriesPerRequest: null`). Both reconnect on their own.
 */
export type RedisRole = 'producer' | 'worker' | 'subscriber';

const retryStrategy = (times: number): number => Math.min(times * 100, 2_000);

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const common: RedisOptions = {
    retryStrategy,
    connectionName: `llm-ladder:${role}`,
    lazyConnect: true,
    ...extra,
  };
  const options: RedisOptions =
    role === 'producer'
      ? { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 }
      : { ...common, maxRetriesPerRequest: null, enableReadyCheck: true };
  const client = new Redis(url, options);
  // Errors surface on the commands that fail; the connection itself just reconnects.
  client.on('error', () => undefined);
  return client;
}

/**
 * `client.duplicate()` with the same quiet error listener: ioredis prints "Unhandled error event"
 * for every failed reconnect of a client nobody listens to.
 */
export function duplicateRedis(client: Redis, extra: RedisOptions = {}): Redis {
  const copy = client.duplicate(extra);
  copy.on('error', () => undefined);
  return copy;
}

/** Connects a lazily created client, waiting while it reconnects, up to `timeoutMs`. */
export async function connectRedis(client: Redis, timeoutMs = 5_000): Promise<void> {
  if (client.status === 'ready') return;
  if (client.status === 'wait') {
    await client.connect();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`Redis did not become ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}

/** Redacts the password of a Redis URL for messages and logs. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
}
