import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LadderClient } from '../../src/producer/ladder-client.js';
import {
  hang,
  startFakeProvider,
  status,
  type FakeProvider,
} from '../helpers/fake-provider/server.js';
import { testPrefix } from '../helpers/ladder.js';
import { runLadder, writeConfigFile, type LadderProcess } from '../helpers/processes.js';
import { freePort } from '../helpers/redis-server.js';
import { dumpRedis } from './redis-dump.js';

/** Distinctive fake keys: any appearance of one outside the provider call is a leak. */
const KEYS = {
  anthropic: 'sk-ant-LEAKCHECK-a1b2c3d4e5f6',
  openai: 'sk-proj-LEAKCHECK-g7h8i9j0k1l2',
  google: 'AIzaLEAKCHECK-m3n4o5p6q7r8',
};
const SECRETS = Object.values(KEYS);
const TOKEN = 'api-token-LEAKCHECK-s9t0';

let fake: FakeProvider;
let ladder: LadderProcess;
let url: string;
let prefix: string;

beforeAll(async () => {
  fake = await startFakeProvider();
  // Worst case: providers that quote the key back in their error messages.
  fake.setDefault(
    'anthropic',
    '*',
    status(401, { message: `invalid x-api-key ${KEYS.anthropic}` }),
  );
  fake.setDefault('openai', '*', status(500, { message: `internal error for key ${KEYS.openai}` }));
  fake.setDefault('google', '*', hang());
  prefix = testPrefix();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const path = writeConfigFile({
    redis: { url: inject('redisUrl'), prefix },
    providers: {
      anthropic: {
        api_key: '${ANTHROPIC_API_KEY}',
        base_url: fake.baseUrls.anthropic,
        timeout_ms: 300,
      },
      openai: { api_key: '${OPENAI_API_KEY}', base_url: fake.baseUrls.openai, timeout_ms: 300 },
      google: { api_key: '${GEMINI_API_KEY}', base_url: fake.baseUrls.google, timeout_ms: 300 },
    },
    levels: [
      { name: 'full', targets: ['anthropic/claude-opus-4-1'] },
      { name: 'reduced', targets: ['openai/gpt-4o'] },
      { name: 'basic', targets: ['google/gemini-2.0-flash'] },
      { name: 'static', serve: 'static', message: 'limited' },
    ],
    fallback: { max_retries: 1, base_delay_ms: 5, max_delay_ms: 10 },
    breaker: {
      failure_threshold: 3,
      window: 30,
      minimum_calls: 1000,
      reset_timeout: 60,
      max_reset_timeout: 60,
    },
    api: { tokens: ['${LADDER_TOKEN}'] },
  });
  ladder = runLadder(['start', '--config', path, '--port', String(port)], {
    LOG_LEVEL: 'debug',
    ANTHROPIC_API_KEY: KEYS.anthropic,
    OPENAI_API_KEY: KEYS.openai,
    GEMINI_API_KEY: KEYS.google,
    LADDER_TOKEN: TOKEN,
  });
  await ladder.waitFor('API listening', 30_000);
}, 60_000);

afterAll(async () => {
  ladder.child.kill('SIGTERM');
  await ladder.exited();
  await fake.close();
});

function leaks(where: string, text: string): string[] {
  return SECRETS.filter((s) => text.includes(s) || text.includes(s.slice(-12))).map(
    (s) => `${where} contains ${s}`,
  );
}

async function get(path: string): Promise<string> {
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status, path).toBe(200);
  return response.text();
}

describe('security: API keys never leak', () => {
  it('jobs failing with 401s, 500s and timeouts leave no key in results, Redis, logs, metrics, the ladder or Bull Board', async () => {
    const client = new LadderClient({ url, token: TOKEN });
    const ids: string[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        const { id } = await client.enqueue({
          request: { messages: [{ role: 'user', content: `leak check ${i}` }] },
          metadata: { agent: 'leak-test' },
        });
        ids.push(id);
      }
      const results = await Promise.all(ids.map((id) => client.result(id, { timeoutMs: 20_000 })));
      expect(results.every((r) => r?.status === 'completed' && r.level === 4)).toBe(true);
      // The keys were really used (so absence elsewhere means something).
      const used = fake.requests().map((r) => JSON.stringify(r.headers) + r.path);
      for (const key of SECRETS)
        expect(
          used.some((u) => u.includes(key)),
          key,
        ).toBe(true);
      // The failures that carried the keys were recorded (scrubbed), not dropped.
      const errors = results.flatMap((r) => r?.attempts.map((a) => a.error ?? '') ?? []).join('\n');
      expect(errors).toMatch(/401/);
      expect(errors).toMatch(/500/);

      const found: string[] = [];
      for (const id of ids) found.push(...leaks(`/v1/jobs/${id}`, await get(`/v1/jobs/${id}`)));
      found.push(...leaks('/v1/ladder', await get('/v1/ladder')));
      found.push(...leaks('/metrics', await get('/metrics')));
      found.push(...leaks('/v1/report', await get('/v1/report')));
      found.push(...leaks('/admin/ladder', await get('/admin/ladder')));
      found.push(...leaks('/admin/queues', await get('/admin/queues')));
      found.push(
        ...leaks(
          '/admin/queues/api/queues',
          await get('/admin/queues/api/queues?activeQueue=full&status=completed&page=1'),
        ),
      );
      for (const level of ['full', 'reduced', 'basic', 'static']) {
        found.push(
          ...leaks(
            `bull board ${level}`,
            await get(
              `/admin/queues/api/queues?activeQueue=${level}&status=completed&page=1&jobsPerPage=50`,
            ),
          ),
        );
      }
      const redis = new Redis(inject('redisUrl'));
      try {
        const dump = await dumpRedis(redis, `${prefix}:*`);
        expect(dump.size).toBeGreaterThan(10);
        for (const [key, value] of dump) found.push(...leaks(`redis ${key}`, `${key} ${value}`));
      } finally {
        redis.disconnect();
      }
      found.push(...leaks('process output', ladder.output()));
      expect(ladder.output()).toMatch(/provider call failed/);
      expect(found).toEqual([]);
      // The API token is no key to a provider, but it has no business in the output either.
      expect(ladder.output()).not.toContain(TOKEN);
    } finally {
      await client.close();
    }
  }, 60_000);
});
