import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/api/validation.js';
import { FakeLadderOps } from './fake-ops.js';
import { bearer, rawRequest, startApi, validJob, type RunningApi } from './harness.js';

interface ErrorJson {
  error: { message: string; problems?: Array<{ path: string; message: string; index?: number }> };
}

describe('request validation: every refusal is JSON and enqueues nothing', () => {
  const ops = new FakeLadderOps();
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ ops, config: { maxBodyBytes: 4_096, maxBatch: 3 } });
  });
  afterAll(async () => api.close());

  async function send(
    path: string,
    body: string,
    contentType = 'application/json',
  ): Promise<{ status: number; json: ErrorJson }> {
    const before = ops.enqueued;
    const res = await rawRequest(
      api.port,
      'POST',
      path,
      { ...bearer(), 'Content-Type': contentType },
      body,
    );
    if (res.status >= 400) expect(ops.enqueued).toBe(before);
    return { status: res.status, json: JSON.parse(res.body) as ErrorJson };
  }
  const paths = (json: ErrorJson): string[] => (json.error.problems ?? []).map((p) => p.path);

  it('lists each problem with its path', async () => {
    const { status, json } = await send(
      '/v1/jobs',
      JSON.stringify({
        request: {
          messages: [
            { role: 'robot', content: 'x' },
            { role: 'user', content: 5 },
          ],
          max_tokens: -1,
        },
        floor: 'x'.repeat(100),
        surprise: true,
      }),
    );
    expect(status).toBe(400);
    expect(json.error.message).toBe('invalid job');
    expect(paths(json)).toEqual(
      expect.arrayContaining([
        'request.messages.0.role',
        'request.messages.1.content',
        'request.max_tokens',
        'floor',
        '(root)',
      ]),
    );
    for (const p of json.error.problems ?? []) expect(p.message.length).toBeGreaterThan(0);
  });

  it('missing request, wrong top-level type, empty messages', async () => {
    expect(paths((await send('/v1/jobs', '{}')).json)).toContain('request');
    expect((await send('/v1/jobs', '[1,2]')).status).toBe(400);
    expect(
      paths((await send('/v1/jobs', JSON.stringify({ request: { messages: [] } }))).json),
    ).toContain('request.messages');
  });

  it('bad ids: all digits, a colon', async () => {
    expect(paths((await send('/v1/jobs', JSON.stringify(validJob({ id: '12345' })))).json)).toEqual(
      ['id'],
    );
    expect(paths((await send('/v1/jobs', JSON.stringify(validJob({ id: 'a:b' })))).json)).toEqual([
      'id',
    ]);
  });

  it('nesting deeper than the limit is a 400, not a stack overflow', async () => {
    let schema: unknown = {};
    for (let i = 0; i < MAX_JSON_DEPTH + 5; i++) schema = { a: schema };
    const job = validJob({
      request: {
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ name: 't', input_schema: schema }],
      },
    });
    const { status, json } = await send('/v1/jobs', JSON.stringify(job));
    expect(status).toBe(400);
    expect(json.error.problems?.[0]?.message).toMatch(/nested deeper/);
  });

  it('invalid JSON is a 400 with a JSON error', async () => {
    const { status, json } = await send('/v1/jobs', '{"request": {');
    expect(status).toBe(400);
    expect(json.error.message).toBe('the body is not valid JSON');
  });

  it('a body over api.max_body_bytes is a 413 with a JSON error', async () => {
    const big = JSON.stringify(
      validJob({ request: { messages: [{ role: 'user', content: 'x'.repeat(10_000) }] } }),
    );
    const { status, json } = await send('/v1/jobs', big);
    expect(status).toBe(413);
    expect(json.error.message).toMatch(/max_body_bytes/);
  });

  it('a body that is not JSON is a 415', async () => {
    expect((await send('/v1/jobs', 'hello', 'text/plain')).status).toBe(415);
  });

  it('?wait must be a number of seconds', async () => {
    for (const wait of ['abc', '-1', '', 'Infinity']) {
      const { status, json } = await send(`/v1/jobs?wait=${wait}`, JSON.stringify(validJob()));
      expect(status).toBe(400);
      expect(paths(json)).toEqual(['wait']);
    }
    const res = await rawRequest(api.port, 'GET', '/v1/jobs/abc?wait=x', bearer());
    expect(res.status).toBe(400);
  });

  it('a bad job id in the path is a 400', async () => {
    expect((await rawRequest(api.port, 'GET', '/v1/jobs/a:b', bearer())).status).toBe(400);
    expect((await rawRequest(api.port, 'DELETE', '/v1/jobs/123', bearer())).status).toBe(400);
  });

  describe('batch', () => {
    it('names the index and the path of each bad job; all or nothing', async () => {
      const { status, json } = await send(
        '/v1/jobs/batch',
        JSON.stringify({ jobs: [validJob(), { request: {} }, validJob({ temperature: 9 })] }),
      );
      expect(status).toBe(400);
      expect(json.error.message).toMatch(/2 of 3 jobs are invalid/);
      const problems = json.error.problems ?? [];
      expect(problems.filter((p) => p.index === 0)).toHaveLength(0);
      expect(problems).toContainEqual(
        expect.objectContaining({ index: 1, path: 'jobs.1.request.messages' }),
      );
      expect(problems).toContainEqual(expect.objectContaining({ index: 2, path: 'jobs.2.(root)' }));
    });

    it('more than api.max_batch jobs is a 400', async () => {
      const { status, json } = await send(
        '/v1/jobs/batch',
        JSON.stringify({ jobs: Array.from({ length: 4 }, () => validJob()) }),
      );
      expect(status).toBe(400);
      expect(json.error.problems).toEqual([
        { path: 'jobs', message: expect.stringMatching(/1 to 3 jobs/) as unknown },
      ]);
    });

    it('an empty batch, or no jobs array, is a 400', async () => {
      expect((await send('/v1/jobs/batch', '{"jobs": []}')).status).toBe(400);
      expect(paths((await send('/v1/jobs/batch', '[]')).json)).toEqual(['jobs']);
      expect(paths((await send('/v1/jobs/batch', '{"jobs": 3}')).json)).toEqual(['jobs']);
    });
  });

  it('unknown endpoints are a JSON 404', async () => {
    const res = await rawRequest(api.port, 'GET', '/v2/nothing', bearer());
    expect(res.status).toBe(404);
    expect((JSON.parse(res.body) as ErrorJson).error.message).toMatch(/openapi/);
  });
});
