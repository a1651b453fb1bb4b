import type { Keys } from '../ladder/keys.js';
import type { ResultStore } from '../results/result-store.js';
import type { ResultWaiter } from '../results/result-waiter.js';
import { StreamHub } from '../streaming/hub.js';
import { RedisJobEvents } from '../streaming/reader.js';
import { duplicateRedis, type RedisClient } from '../util/redis.js';

/** What a client reads job events with: the stream hub and the reader on it. */
export interface EventSource {
  hub: StreamHub;
  reader: RedisJobEvents;
}

/**
 * Opens a client's event source on a connection of its own, which `owned` gets so the client
 * closes it. XREAD BLOCK holds its connection: it gets its own, patient one. Its writes go out at
 * once: a CLIENT UNBLOCK that reached Redis before the XREAD it is meant to interrupt is retried.
 */
export function openEventSource(input: {
  redis: RedisClient;
  keys: Keys;
  results: ResultStore;
  waiter: ResultWaiter;
  owned: RedisClient[];
}): EventSource {
  const blocking = duplicateRedis(
    input.redis,
    { enableOfflineQueue: true, maxRetriesPerRequest: null },
    { coalesce: false },
  );
  input.owned.push(blocking);
  const hub = new StreamHub(blocking, input.redis);
  const reader = new RedisJobEvents({
    redis: input.redis,
    hub,
    keys: input.keys,
    results: input.results,
    waiter: input.waiter,
  });
  return { hub, reader };
}
