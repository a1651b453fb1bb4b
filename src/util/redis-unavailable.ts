/**
 * Whether a Redis error means "Redis cannot take this command now" rather than a bug or a bad
 * command: a connection that is closed, refused or timing out, a fail-fast client with nothing
 * connected, and what a Redis Cluster answers while a master is failed over (CLUSTERDOWN until a
 * replica is promoted, TRYAGAIN mid-migration, redirections that run out, a slot map that cannot
 * be refreshed). Callers answer these with "unavailable, retry later" (HTTP 503), not a 500.
 */
export function isRedisUnavailable(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return UNAVAILABLE.test(message);
}

const UNAVAILABLE = new RegExp(
  [
    // A single server or a sentinel-managed master away.
    "Stream isn't writeable",
    'Connection is closed',
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'max retries',
    'enableOfflineQueue',
    'connect',
    '^LOADING',
    '^READONLY',
    '^MASTERDOWN',
    // A cluster mid-failover or mid-migration.
    'CLUSTERDOWN',
    '^TRYAGAIN',
    'Too many Cluster redirections',
    'Failed to refresh slots cache',
    'None of startup nodes is available',
  ].join('|'),
  'i',
);
