import { connectRedis, createRedis } from '../util/redis.js';

/** The prefix of the built-in demo ladder: its keys never mix with a real ladder's (`ladder:`). */
export const DEMO_PREFIX = 'ladder-demo';

/**
 * Removes every key under the demo's prefix, so a demo run on someone's default Redis leaves
 * nothing behind. Only ever called with DEMO_PREFIX: a prefix the user chose may hold real jobs.
 * Answers how many keys went.
 */
export async function removeDemoKeys(url: string): Promise<number> {
  const redis = createRedis(url, 'producer');
  let removed = 0;
  try {
    await connectRedis(redis);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${DEMO_PREFIX}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await redis.unlink(...keys);
    } while (cursor !== '0');
    return removed;
  } finally {
    redis.disconnect();
  }
}

/**
 * Calls `stop` once the process that started this one is gone (its parent id changes): a shell
 * or runner between npm and node may die of a signal without passing it on, and the demo must not
 * go on serving in the background.
 */
export function stopWhenOrphaned(stop: () => void, everyMs = 1_000): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) stop();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
