import type { RedisClient } from './redis.js';

/** How long a polite QUIT may take before the connection is dropped. */
const QUIT_MS = 2_000;

/**
 * Closes a connection this process owns. QUIT is polite (Redis answers what came before it), but
 * ioredis keeps a command for a reconnect while the server is down, so on a connection that is not
 * up, or a QUIT that does not come back, it is dropped instead: a shutdown must end either way.
 */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, QUIT_MS, 'late')));
  const quit = client.quit().then(
    () => 'quit' as const,
    () => 'late' as const,
  );
  const how = await Promise.race([quit, late]).finally(() => clearTimeout(timer));
  if (how === 'late') client.disconnect();
}
