import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeApiContract } from './api-contract.js';
import { FakeLadderOps } from './fake-ops.js';
import { bearer, startApi, validJob, type RunningApi } from './harness.js';

describeApiContract('in-memory fake', async () => {
  const ops = new FakeLadderOps();
  return {
    ops,
    finish: (id) => ops.finish(id),
    jobsStayQueued: true,
    target: 'anthropic/claude-opus-4-1',
  };
});

describe('HTTP API over the fake: error mapping of ops', () => {
  const ops = new FakeLadderOps();
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ ops });
  });
  afterAll(async () => api.close());

  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(api.url + path, {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('a level name unknown to the ladder is a 400 naming `level`', async () => {
    const res = await post('/v1/jobs', validJob({ level: 'platinum' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: 'invalid job',
        problems: [{ path: 'level', message: 'unknown level platinum' }],
      },
    });
  });

  it('in a batch, ops errors name the index and the path in the body', async () => {
    const res = await post('/v1/jobs/batch', { jobs: [validJob(), validJob({ level: 'nope' })] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { problems: unknown[] } };
    expect(body.error.problems).toEqual([
      { index: 1, path: 'jobs.1.level', message: 'unknown level nope' },
    ]);
  });

  it('LadderUnavailableError is a 503 with Retry-After', async () => {
    ops.unavailable = true;
    try {
      const res = await fetch(`${api.url}/v1/ladder`, { headers: bearer() });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /unavailable/,
      );
    } finally {
      ops.unavailable = false;
    }
  });

  it('QueueFullError is a 429 with Retry-After in seconds', async () => {
    ops.queueFull = true;
    try {
      const res = await post('/v1/jobs', validJob());
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('3');
      expect(await res.json()).toMatchObject({
        error: { level: 'full', depth: 10_001, retry_after_ms: 2_500 },
      });
    } finally {
      ops.queueFull = false;
    }
  });

  it('DELETE of a running job is a 409 carrying the record', async () => {
    const { id } = await ops.enqueue(validJob());
    ops.start(id);
    const res = await fetch(`${api.url}/v1/jobs/${id}`, { method: 'DELETE', headers: bearer() });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({
      job: { id, status: 'active' },
      error: { message: expect.stringMatching(/active/) as unknown },
    });
  });

  it('a model with slashes reaches ops as one target', async () => {
    const res = await post('/v1/breakers/openrouter/meta-llama/llama-3-8b', { action: 'open' });
    expect(res.status).toBe(200);
    expect(ops.breakerCalls.at(-1)).toEqual({
      target: 'openrouter/meta-llama/llama-3-8b',
      action: 'open',
    });
  });

  it('?wait is capped at api.sync_timeout_ms', async () => {
    const short = await startApi({ ops, config: { syncTimeoutMs: 300 } });
    try {
      const { id } = await ops.enqueue(validJob());
      const started = Date.now();
      const res = await fetch(`${short.url}/v1/jobs/${id}?wait=3600`, { headers: bearer() });
      expect(res.status).toBe(200);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(250);
      expect(took).toBeLessThan(1_500);
    } finally {
      await short.close();
    }
  });
});
