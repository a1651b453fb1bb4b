import type { RedisClient } from './redis.js';

/**
 * Waits for `work` (writes a close still owes Redis) only while `client` is connected: 'down' as
 * soon as it is not, now or later. On a patient connection (offline queue, no retry limit) a
 * command sent once the server is gone waits for a reconnect that may never come, and ioredis 6
 * keeps it even through `disconnect()`: a connection parked in `reconnecting` ends nothing and
 * emits no 'end', and a command written to a socket whose peer is gone but whose 'close' has not
 * fired yet (status still `ready`) is kept for a resend after the reconnect. A shutdown must not
 * wait on those; what they carried (breaker counts, stats) is lost, as if the process had died.
 */
export function whileUp<T>(client: RedisClient, work: Promise<T>): Promise<T | 'down'> {
  // Settled or not, `work` may be left to itself: a late rejection must not be an unhandled one.
  work.catch(() => undefined);
  if (client.status !== 'ready') return Promise.resolve('down');
  let onDown = (): void => undefined;
  const down = new Promise<'down'>((resolve) => {
    onDown = () => resolve('down');
    client.once('close', onDown);
    client.once('end', onDown);
  });
  return Promise.race([work, down]).finally(() => {
    client.off('close', onDown);
    client.off('end', onDown);
  });
}
