import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/load.js';
import { LadderUnavailableError } from '../../src/producer/errors.js';
import { LadderClient } from '../../src/producer/ladder-client.js';
import { createRedis, describeRedisUrl } from '../../src/util/redis.js';
import { createLogger } from '../../src/util/log.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/workers/runtime.js';
import { job, testPrefix } from '../helpers/ladder.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';

const PASSWORD = 'redis-pass-LEAKCHECK-77';
let redis: RedisServerHandle;
beforeAll(async () => {
  redis = await startRedisServer({ password: PASSWORD });
});
afterAll(async () => {
  await redis.dispose();
});

describe('security: Redis password and TLS URLs', () => {
  it('runs a job through a password-protected Redis given as redis://:pass@host:port', async () => {
    expect(redis.url).toContain(`:${PASSWORD}@`);
    const prefix = testPrefix();
    const config = buildConfig(
      {
        redis: { url: redis.url, prefix },
        providers: { simulated: { latency_ms: 1 } },
        levels: [
          { name: 'full', targets: ['simulated/sim'] },
          { name: 'static', serve: 'static', message: 'limited' },
        ],
      },
      { source: 'test.yaml', env: {} },
    );
    let runtime: WorkerRuntime | undefined;
    const client = new LadderClient({ redis: redis.url, prefix });
    try {
      runtime = await startWorkerRuntime({ config, logger: createLogger('test', 'silent') });
      const { id } = await client.enqueue(job('through a locked Redis'));
      expect(await client.result(id, { timeoutMs: 10_000 })).toMatchObject({
        status: 'completed',
        level: 1,
        source: 'llm',
      });
    } finally {
      await client.close();
      await runtime?.close();
    }
  });

  it('a wrong password is refused, and no message quotes the password', async () => {
    const wrong = redis.url.replace(PASSWORD, 'not-the-password');
    const client = new LadderClient({ redis: wrong, prefix: testPrefix() });
    try {
      const error = await client.enqueue(job('refused')).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(String(error) + String((error as Error).stack)).not.toContain('not-the-password');
      expect(
        error instanceof LadderUnavailableError || /WRONGPASS|NOAUTH|auth/i.test(String(error)),
      ).toBe(true);
    } finally {
      await client.close();
    }
    expect(describeRedisUrl(redis.url)).not.toContain(PASSWORD);
  });

  it('a rediss:// URL turns TLS on, with the password kept out of descriptions', () => {
    const client = createRedis(`rediss://:${PASSWORD}@127.0.0.1:6380/0`, 'producer');
    try {
      if (!(client instanceof Redis)) throw new Error('a URL gives a single-server client');
      expect(client.options.tls).toBeTruthy();
      expect(client.options.password).toBe(PASSWORD);
      expect(describeRedisUrl(`rediss://:${PASSWORD}@127.0.0.1:6380/0`)).toBe(
        'rediss://:***@127.0.0.1:6380/0',
      );
    } finally {
      client.disconnect();
    }
  });
});
