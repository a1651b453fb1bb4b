import { afterEach, describe, expect, it } from 'vitest';
import { createRedis, type RedisClient } from '../../src/util/redis.js';
import { whileUp } from '../../src/util/while-up.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';

let server: RedisServerHandle | undefined;
let client: RedisClient | undefined;
afterEach(async () => {
  client?.disconnect();
  await server?.dispose();
  server = client = undefined;
});

/** A patient connection (a worker's: offline queue, no retry limit), connected. */
async function patient(): Promise<RedisClient> {
  server = await startRedisServer();
  client = createRedis(server.url, 'worker');
  await client.connect();
  return client;
}

describe('whileUp: a close waits for its last writes only while Redis is there', () => {
  it('answers the work while the connection is up', async () => {
    const redis = await patient();
    expect(await whileUp(redis, redis.set('k', 'v'))).toBe('OK');
  });

  it('stops waiting when the server goes away under a command that ioredis keeps for a reconnect', async () => {
    const redis = await patient();
    // Held by a blocking command until the server is gone: kept for a resend after a reconnect.
    const held = redis.blpop('nothing', 0);
    const waited = whileUp(redis, held);
    await server!.stop();
    expect(await waited).toBe('down');
  });

  it('answers at once for a connection that is not up', async () => {
    const redis = await patient();
    await server!.stop();
    await expect.poll(() => redis.status).not.toBe('ready');
    expect(await whileUp(redis, redis.get('k'))).toBe('down');
  });
});
