import { Redis } from 'ioredis';
import { policyConfig } from '../../src/breaker/policy-config.js';
import { RedisBreakerStore } from '../../src/breaker/redis-store.js';
import { createKeys } from '../../src/ladder/keys.js';
import { createLogger } from '../../src/util/log.js';
import { inject } from 'vitest';
import { describeBreakersContract } from './breakers-contract.js';
import { randomPrefix } from './fixtures.js';

describeBreakersContract('redis', async (config) => {
  const keys = createKeys(`{${randomPrefix()}}`);
  const clients: Redis[] = [];
  return {
    // Each process: its own command connection and its own subscriber, as separate processes have.
    store: () => {
      const redis = new Redis(inject('redisUrl'));
      clients.push(redis);
      return new RedisBreakerStore({
        redis,
        keys,
        config: policyConfig(config),
        logger: createLogger('breaker', 'silent'),
      });
    },
    cleanup: async () => {
      await Promise.all(clients.map((c) => c.quit()));
    },
  };
});
