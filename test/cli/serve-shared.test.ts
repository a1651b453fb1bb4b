import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { serve, type Running } from '../../src/cli/commands/serve.js';
import { createKeys } from '../../src/ladder/keys.js';
import { testConfig, testPrefix } from '../helpers/ladder.js';

let running: Running | undefined;
let probe: Redis | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  probe?.disconnect();
});

describe('ladder start keeps one copy of its level states', () => {
  it('its workers and its API share one set of breakers: one transition subscriber, one answer', async () => {
    const config = testConfig({
      redis: { url: inject('redisUrl'), prefix: testPrefix() },
      levels: [
        { name: 'full', targets: ['simulated/opus-sim'] },
        { name: 'static', serve: 'static', message: 'limited' },
      ],
    });
    running = await serve(config, { port: 0, workers: true });
    probe = new Redis(inject('redisUrl'));
    const channel = createKeys(config.redis.prefix).breakerChannel();
    const [, subscribers] = (await probe.pubsub('NUMSUB', channel)) as [string, number];
    expect(subscribers).toBe(1);
    // What the API forces, the workers' breakers hold at once: they are the same object.
    const forced = await fetch(`${running.api.url}/v1/breakers/simulated/opus-sim`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'open' }),
    });
    expect(forced.status).toBe(200);
    expect(running.runtime?.breakers.state('simulated/opus-sim')).toBe('forced_open');
  }, 60_000);

  it('its workers and its API share one budget spend: spend the workers see, the API routes by', async () => {
    const config = testConfig({
      redis: { url: inject('redisUrl'), prefix: testPrefix() },
      levels: [
        { name: 'full', targets: ['simulated/opus-sim'] },
        { name: 'static', serve: 'static', message: 'limited' },
      ],
      budgets: { levels: { full: { daily_usd: 1 } } },
    });
    running = await serve(config, { port: 0, workers: true });
    // Spend only this process knows of (not in Redis): a second copy would never see it.
    running.runtime?.context.budgets.record({ level: 'full', nusd: 2_000_000_000 });
    const answer = await fetch(`${running.api.url}/v1/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ request: { messages: [{ role: 'user', content: 'hi' }] } }),
    });
    expect(answer.status).toBe(202);
    expect(await answer.json()).toMatchObject({ level: 2, level_name: 'static' });
  }, 60_000);
});
