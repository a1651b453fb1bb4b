import type { Writable } from 'node:stream';
import { Cluster, type Redis } from 'ioredis';

/**
 * ioredis writes each command to its socket on its own: one system call per command. With many
 * jobs in flight, a worker or an API sends dozens of commands per turn of the event loop, and those
 * writes were the largest single cost in a worker's CPU profile. Corking the socket from the first
 * write until the loop's check phase (`setImmediate`) sends everything written in that turn as one
 * `writev`. Order on the connection is unchanged; a lone command waits at most for the current
 * turn to end, not for a timer.
 */
export function coalesceWrites(client: Redis | Cluster): void {
  const install = (redis: Redis): void => {
    // Each reconnect makes a new socket; 'connect' fires before ioredis sends anything on it.
    redis.on('connect', () => corkPerTurn(redis.stream));
  };
  if (client instanceof Cluster) client.on('+node', install);
  else install(client);
}

function corkPerTurn(socket: Writable): void {
  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]): boolean => {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(uncork);
    }
    return write(...args);
  }) as Writable['write'];
}
