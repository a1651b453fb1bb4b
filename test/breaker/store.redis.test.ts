import { Redis } from 'ioredis';
import { afterAll, beforeAll, inject } from 'vitest';
import { policyConfig } from '../../src/breaker/policy-config.js';
import { RedisBreakerStore } from '../../src/breaker/redis-store.js';
import { createKeys } from '../../src/ladder/keys.js';
import { createLogger } from '../../src/util/log.js';
import { randomPrefix } from './fixtures.js';
import { describeStoreContract } from './store-contract.js';

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await redis.quit();
});

describeStoreContract('redis', async (config) => {
  // A hash-tagged prefix, as on Redis Cluster: every key of a script shares one slot.
  const keys = createKeys(`{${randomPrefix()}}`);
  return new RedisBreakerStore({
    redis,
    keys,
    config: policyConfig(config),
    logger: createLogger('breaker', 'silent'),
  });
});
