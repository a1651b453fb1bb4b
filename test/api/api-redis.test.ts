import { redisSource } from '../../src/config/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jobInputSchema } from '../../src/ladder/job-schema.js';
import { openRedisOps } from '../../src/producer/open-redis-ops.js';
import { startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';
import { describeApiContract } from './api-contract.js';
import { bearer, startApi, validJob, type RunningApi } from './harness.js';

// The same contract over the Redis-backed LadderOps with real workers on the simulated provider:
// jobs finish by themselves, so no `finish` hook and no cancel of a queued job.
describeApiContract('Redis LadderOps with workers', async () => {
  const config = testConfig({
    providers: { simulated: { latency_ms: 20 } },
    levels: [
      { name: 'full', targets: ['simulated/big'] },
      { name: 'reduced', targets: ['simulated/medium'] },
      { name: 'basic', targets: ['simulated/small'] },
      { name: 'cached', serve: 'cache' },
      { name: 'static', serve: 'static', message: 'Service temporarily limited' },
    ],
  });
  const ladder = await startTestLadder(config);
  return {
    ops: ladder.ops,
    jobsStayQueued: false,
    target: 'simulated/big',
    cleanup: () => ladder.close(),
  };
});

describe('HTTP API over Redis LadderOps: what only the real ops decide', () => {
  let ladder: TestLadder;
  let api: RunningApi;
  beforeAll(async () => {
    ladder = await startTestLadder(
      testConfig({
        providers: { simulated: { latency_ms: 5 } },
        levels: [
          { name: 'full', targets: ['simulated/big'] },
          { name: 'static', serve: 'static', message: 'limited' },
        ],
      }),
    );
    api = await startApi({ ops: ladder.ops });
  });
  afterAll(async () => {
    await api.close();
    await ladder.close();
  });

  it('a level name the ladder does not have is a 400 naming its path', async () => {
    const res = await fetch(`${api.url}/v1/jobs`, {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/json' },
      body: JSON.stringify(validJob({ level: 'platinum' })),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { problems: Array<{ path: string }> } };
    expect(body.error.problems.map((p) => p.path)).toContain('level');
  });

  it('POST ?wait answers the final result served by a worker', async () => {
    const res = await fetch(`${api.url}/v1/jobs?wait=2`, {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/json' },
      body: JSON.stringify(validJob()),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'completed',
      level_name: 'full',
      source: 'llm',
    });
  });

  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(api.url + path, {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('a batch with several bad jobs names every bad index with its path, and enqueues none', async () => {
    const before = await ladder.ops.ladder();
    const res = await post('/v1/jobs/batch', {
      jobs: [
        validJob(),
        validJob({ level: 'platinum' }),
        { request: {} },
        validJob({ floor: 'basement' }),
      ],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { message: string; problems: Array<{ index: number; path: string }> };
    };
    expect(body.error.message).toMatch(/3 of 4 jobs are invalid/);
    const named = body.error.problems.map((p) => `${p.index} ${p.path}`);
    expect(named).toEqual(
      expect.arrayContaining(['1 jobs.1.level', '2 jobs.2.request.messages', '3 jobs.3.floor']),
    );
    expect(named.filter((n) => n.startsWith('0 '))).toEqual([]);
    const after = await ladder.ops.ladder();
    expect(after.levels[0]?.queue).toEqual(before.levels[0]?.queue);
  });

  it('an enqueue checks the job once: a plain job by hand, any other with one full parse', async () => {
    // A producer without workers, so only the way in parses (a worker parses what it runs).
    const config = testConfig({
      levels: [
        { name: 'full', targets: ['simulated/big'] },
        { name: 'static', serve: 'static', message: 'limited' },
      ],
    });
    const ops = await openRedisOps({
      url: redisSource(config.redis),
      prefix: config.redis.prefix,
      config,
    });
    // With no worker the drop-ins wait for nothing: they answer once this short wait is over.
    const producerApi = await startApi({ ops, config: { syncTimeoutMs: 200 } });
    const parse = vi.spyOn(jobInputSchema, 'safeParse');
    const send = (path: string, body: unknown): Promise<Response> =>
      fetch(producerApi.url + path, {
        method: 'POST',
        headers: { ...bearer(), 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    // A job with tools is not a plain job (plain-job.ts): it takes the full parse, once.
    const tools = [{ name: 'lookup_invoice', description: 'd', input_schema: { type: 'object' } }];
    const withTools = (): Record<string, unknown> => {
      const job = validJob();
      return { ...job, request: { ...(job.request as object), tools } };
    };
    try {
      expect((await send('/v1/jobs', validJob())).status).toBe(202);
      // A plain job is checked by hand (answered as zod would: test/ladder/plain-job.test.ts).
      expect(parse).toHaveBeenCalledTimes(0);
      expect((await send('/v1/jobs', withTools())).status).toBe(202);
      expect(parse).toHaveBeenCalledTimes(1);
      parse.mockClear();
      const batch = await send('/v1/jobs/batch', { jobs: [withTools(), withTools(), validJob()] });
      expect(batch.status).toBe(202);
      expect(parse).toHaveBeenCalledTimes(2);
      // Each drop-in checks its own body shape, builds the job, and the job is checked once: by
      // hand when plain, else by one full parse.
      const messages = [{ role: 'user', content: 'hi' }];
      const fn = { name: 'lookup_invoice', parameters: { type: 'object' } };
      for (const [path, body, parses] of [
        ['/v1/chat/completions', { model: 'ladder', messages }, 0],
        ['/v1/messages', { model: 'ladder', max_tokens: 64, messages }, 0],
        ['/v1/responses', { model: 'ladder', input: 'hi' }, 0],
        [
          '/v1/chat/completions',
          { model: 'ladder', messages, tools: [{ type: 'function', function: fn }] },
          1,
        ],
        ['/v1/messages', { model: 'ladder', max_tokens: 64, messages, tools }, 1],
        [
          '/v1/responses',
          { model: 'ladder', input: 'hi', tools: [{ type: 'function', ...fn }] },
          1,
        ],
      ] as const) {
        parse.mockClear();
        const answer = await send(path, body);
        expect(answer.status, path).not.toBe(400);
        expect(parse, path).toHaveBeenCalledTimes(parses);
      }
    } finally {
      parse.mockRestore();
      await producerApi.close();
      await ops.close();
    }
  });
});
