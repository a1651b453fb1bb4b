import { redisSource } from '../../src/config/types.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openRedisOps } from '../../src/producer/open-redis-ops.js';
import type { Report } from '../../src/cost/report-types.js';
import { FakeLadderOps } from '../api/fake-ops.js';
import { startApi, TOKEN, type RunningApi } from '../api/harness.js';
import { ok, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { job, startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';
import { FIVE_LEVELS } from './fixtures.js';

let fake: FakeProvider;
let ladder: TestLadder | undefined;
let api: RunningApi | undefined;
const closers: (() => Promise<void>)[] = [];

withFakeProvider((f) => (fake = f));
afterEach(async () => {
  await api?.close();
  api = undefined;
  for (const close of closers.splice(0)) await close();
  await ladder?.close();
  ladder = undefined;
  fake.reset();
});

const get = (path: string) =>
  fetch(`${api!.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });

describe('GET /v1/report', () => {
  it('answers the report JSON from Redis, and the ladder state carries budgets', async () => {
    const config = testConfig(
      { ...FIVE_LEVELS, budgets: { levels: { full: { daily_usd: 5 } } } },
      fake,
    );
    ladder = await startTestLadder(config);
    const ops = await openRedisOps({
      url: redisSource(config.redis),
      prefix: config.redis.prefix,
      config,
    });
    closers.push(() => ops.close());
    api = await startApi({ ops });
    fake.script(
      'anthropic',
      'claude-opus-4-7',
      ok('hi', { input_tokens: 1000, output_tokens: 100 }),
    );
    const { id } = await ops.enqueue(job('hello'));
    expect(await ops.result(id, { timeoutMs: 10_000 })).toMatchObject({ cost_usd: 0.0075 });

    await vi.waitFor(async () => {
      const body = (await (await get('/v1/report?since=1h')).json()) as Report;
      expect(body.jobs.total).toBe(1);
    });
    const response = await get('/v1/report?since=1h');
    expect(response.status).toBe(200);
    const report = (await response.json()) as Report;
    expect(Object.keys(report)).toEqual([
      'since',
      'until',
      'jobs',
      'levels',
      'targets',
      'failovers',
      'cache',
      'cost',
      'agents',
      'quota',
    ]);
    expect(report.levels[0]).toMatchObject({ level: 1, name: 'full', jobs: 1, share: 1 });
    expect(report.cost).toEqual({ actual_usd: 0.0075, entry_level_usd: 0.0075, saved_usd: 0 });

    const state = (await (await get('/v1/ladder')).json()) as {
      levels: { budget: unknown; served_last_hour?: number }[];
    };
    expect(state.levels[0]).toMatchObject({
      budget: { period: 'day', limit_usd: 5, spent_usd: 0.0075 },
      served_last_hour: 1,
    });
    expect(state.levels[1]?.budget).toBeNull();
  });

  it('refuses a bad since with 400, and answers 501 for ops with no report', async () => {
    const config = testConfig(FIVE_LEVELS, fake);
    const ops = await openRedisOps({
      url: redisSource(config.redis),
      prefix: config.redis.prefix,
      config,
    });
    closers.push(() => ops.close());
    api = await startApi({ ops });
    const bad = await get('/v1/report?since=last-tuesday');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('24h');
    expect((await fetch(`${api.url}/v1/report`)).status).toBe(401);
    await api.close();

    api = await startApi({ ops: new FakeLadderOps() });
    expect((await get('/v1/report')).status).toBe(501);
  });

  it('refuses a range beyond what the stats keep with 400 naming since or until, at once', async () => {
    const config = testConfig(FIVE_LEVELS, fake);
    const ops = await openRedisOps({
      url: redisSource(config.redis),
      prefix: config.redis.prefix,
      config,
    });
    closers.push(() => ops.close());
    api = await startApi({ ops });
    const cases: [string, 'since' | 'until'][] = [
      ['since=99999999d', 'since'],
      ['since=365000d', 'since'],
      ['since=401d', 'since'],
      ['since=0001-01-01', 'since'],
      [`since=${'9'.repeat(400)}h`, 'since'],
      ['since=1h&until=9999-12-31', 'until'],
      ['since=1h&until=2h', 'since'],
    ];
    // Before the bound these were answered (365000d in seconds) or ran the process out of memory.
    for (const [query, param] of cases) {
      const response = await get(`/v1/report?${query}`);
      const body = (await response.json()) as { error: { message: string; param: string } };
      expect(response.status, `${query}: ${JSON.stringify(body)}`).toBe(400);
      expect(body.error.param, query).toBe(param);
      expect(body.error.message, query).toMatch(new RegExp(`^${param}: `));
    }
    expect((await get('/v1/report?since=400d')).status).toBe(200);
    expect((await get('/v1/report?since=7d')).status).toBe(200);
  });
});
