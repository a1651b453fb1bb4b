import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { policyConfig } from '../../src/breaker/policy-config.js';
import { createRedisBreakers } from '../../src/breaker/redis-breakers.js';
import { RedisBreakerStore } from '../../src/breaker/redis-store.js';
import { createKeys, type Keys } from '../../src/ladder/keys.js';
import { createLogger } from '../../src/util/log.js';
import { T0, baseConfig, randomPrefix, randomTarget, transient } from './fixtures.js';

const CONNECTIONS = 24;
const logger = createLogger('breaker', 'silent');

describe('breaker on Redis: many connections at once', () => {
  const clients: Redis[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.quit()));
  });

  function connect(): Redis {
    const client = new Redis(inject('redisUrl'));
    clients.push(client);
    return client;
  }

  /**
   * Every announcement made so far, once a marker published after them has arrived: Redis runs
   * commands one at a time (transitions are published inside the Lua script that makes them) and
   * delivers one channel's messages in order, so no duplicate can still be on its way.
   */
  async function announced(keys: Keys, messages: string[]): Promise<string[]> {
    const marker = `marker-${randomPrefix()}`;
    await connect().publish(keys.breakerChannel(), marker);
    await expect.poll(() => messages.includes(marker), { timeout: 2_000, interval: 5 }).toBe(true);
    return messages.filter((m) => m !== marker);
  }

  async function listen(keys: Keys): Promise<string[]> {
    const subscriber = connect();
    const messages: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => messages.push(message));
    await subscriber.subscribe(keys.breakerChannel());
    return messages;
  }

  function stores(keys: Keys) {
    const config = policyConfig(baseConfig);
    return Array.from(
      { length: CONNECTIONS },
      () => new RedisBreakerStore({ redis: connect(), keys, config, logger }),
    );
  }

  it('failures recorded at once open the breaker exactly once, with one announcement', async () => {
    const keys = createKeys(`{${randomPrefix()}}`);
    const target = randomTarget();
    const messages = await listen(keys);
    const all = stores(keys);
    await Promise.all(all.map((s) => s.read(target, T0)));
    const decisions = await Promise.all(
      all.map((s) => s.apply(target, { type: 'failure', probe: false, failure: transient() }, T0)),
    );
    expect(decisions.filter((d) => d.transition !== null).map((d) => d.transition?.to)).toEqual([
      'open',
    ]);
    const seen = await announced(keys, messages);
    expect(seen).toHaveLength(1);
    expect(JSON.parse(seen[0] ?? '{}')).toMatchObject({ target, from: 'closed', to: 'open' });
  });

  it('probes asked for at once: halfOpenMaxCalls granted, one half-open transition', async () => {
    const keys = createKeys(`{${randomPrefix()}}`);
    const target = randomTarget();
    const all = stores(keys);
    for (let i = 0; i < 3; i++) {
      await all[0]!.apply(target, { type: 'failure', probe: false, failure: transient() }, T0);
    }
    const messages = await listen(keys);
    const decisions = await Promise.all(
      all.map((s) => s.apply(target, { type: 'acquire' }, T0 + 1_000)),
    );
    expect(decisions.filter((d) => d.grant === 'probe')).toHaveLength(baseConfig.halfOpenMaxCalls);
    expect(decisions.filter((d) => d.transition !== null)).toHaveLength(1);
    expect(await announced(keys, messages)).toHaveLength(1);
  });

  it('every key it writes has a TTL, except a forced state (the operator owns it until auto)', async () => {
    const keys = createKeys(`{${randomPrefix()}}`);
    const target = randomTarget();
    const redis = connect();
    const [store] = stores(keys);
    for (let i = 0; i < 3; i++)
      await store!.apply(target, { type: 'failure', probe: false, failure: transient() }, T0);
    const written = [keys.breaker(target), keys.breakerWindow(target), keys.breakerErrors(target)];
    for (const key of written) expect(await redis.pttl(key)).toBeGreaterThan(0);
    await store!.apply(target, { type: 'force', action: 'open' }, T0);
    expect(await redis.pttl(keys.breaker(target))).toBe(-1);
    await store!.apply(target, { type: 'force', action: 'auto' }, T0);
    expect(await redis.pttl(keys.breaker(target))).toBeGreaterThan(0);
  });

  it('createRedisBreakers: learns another process within 200 ms and never closes the client it was given', async () => {
    const keys = createKeys(`{${randomPrefix()}}`);
    const target = randomTarget();
    const redisA = connect();
    const redisB = connect();
    let now = T0;
    const options = { keys, config: baseConfig, now: () => now, logger, targets: [target] };
    const a = await createRedisBreakers({ ...options, redis: redisA });
    const b = await createRedisBreakers({ ...options, redis: redisB });
    const seen: string[] = [];
    a.onTransition((t) => seen.push(`${t.from}>${t.to}`));
    for (let i = 0; i < 3; i++) {
      const permit = await b.acquire(target);
      await b.recordFailure(permit!, transient());
    }
    await expect.poll(() => a.state(target), { timeout: 200, interval: 5 }).toBe('open');
    now += 1_000;
    const probe = await a.acquire(target);
    expect(probe?.probe).toBe(true);
    await expect.poll(() => b.state(target), { timeout: 200, interval: 5 }).toBe('half_open');
    await a.close();
    await b.close();
    expect(seen).toEqual(['closed>open', 'open>half_open']);
    expect(redisA.status).toBe('ready');
    expect(await redisA.ping()).toBe('PONG');
  });
});
