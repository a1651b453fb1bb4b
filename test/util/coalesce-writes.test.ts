import type { Socket } from 'node:net';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { connectRedis, createRedis, type RedisClient } from '../../src/util/redis.js';
import { Redis } from 'ioredis';

const clients: RedisClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit()));
});

async function singleServer(): Promise<Redis> {
  const redis = createRedis(inject('redisUrl'), 'worker');
  clients.push(redis);
  await connectRedis(redis);
  if (!(redis instanceof Redis)) throw new Error('expected a single-server client');
  return redis;
}

/** Counts the socket's hand-offs to the kernel: `_write` per lone chunk, `_writev` per batch. */
function countFlushes(socket: Socket): { flushes: number } {
  const count = { flushes: 0 };
  const internals = socket as unknown as Record<'_write' | '_writev', (...a: unknown[]) => void>;
  for (const name of ['_write', '_writev'] as const) {
    const original = internals[name].bind(socket);
    internals[name] = (...args: unknown[]) => {
      count.flushes += 1;
      original(...args);
    };
  }
  return count;
}

describe('coalesced Redis writes', () => {
  it('sends the commands of one event-loop turn in one socket write, in order', async () => {
    const redis = await singleServer();
    const key = `coalesce:${Math.random()}`;
    const count = countFlushes(redis.stream);
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => redis.rpush(key, String(i))),
    );
    expect(count.flushes).toBe(1);
    expect(replies).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await redis.lrange(key, 0, -1)).toEqual(Array.from({ length: 50 }, (_, i) => `${i}`));
    await redis.del(key);
  });

  it('keeps coalescing on the new socket after a reconnect', async () => {
    const redis = await singleServer();
    const before = redis.stream;
    redis.disconnect(true);
    await expect.poll(() => redis.status === 'ready' && redis.stream !== before).toBe(true);
    const count = countFlushes(redis.stream);
    await Promise.all(Array.from({ length: 10 }, () => redis.ping()));
    expect(count.flushes).toBe(1);
  });

  it('coalesces on copies made with duplicate()', async () => {
    const redis = await singleServer();
    const { duplicateRedis } = await import('../../src/util/redis.js');
    const copy = duplicateRedis(redis);
    clients.push(copy);
    await connectRedis(copy);
    if (!(copy instanceof Redis)) throw new Error('expected a single-server client');
    const count = countFlushes(copy.stream);
    await Promise.all(Array.from({ length: 10 }, () => copy.ping()));
    expect(count.flushes).toBe(1);
  });

  it('leaves a copy made with coalesce: false writing each command at once', async () => {
    const redis = await singleServer();
    const { duplicateRedis } = await import('../../src/util/redis.js');
    const copy = duplicateRedis(redis, {}, { coalesce: false });
    clients.push(copy);
    await connectRedis(copy);
    if (!(copy instanceof Redis)) throw new Error('expected a single-server client');
    const count = countFlushes(copy.stream);
    await Promise.all(Array.from({ length: 10 }, () => copy.ping()));
    expect(count.flushes).toBe(10);
  });
});
