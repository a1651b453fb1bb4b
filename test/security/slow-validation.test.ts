import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonShapeProblem, MAX_ARRAY_ITEMS } from '../../src/ladder/json-shape.js';
import { parseJob } from '../../src/ladder/job-schema.js';
import { FakeLadderOps } from '../api/fake-ops.js';
import { startApi, TOKEN, type RunningApi } from '../api/harness.js';
import { slowBodies } from './slow-bodies.js';

const ops = new FakeLadderOps();
let api: RunningApi;
beforeAll(async () => {
  api = await startApi({ ops, config: { maxBodyBytes: 4 * 1024 * 1024 } });
});
afterAll(async () => api.close());

const post = (body: string) =>
  fetch(`${api.url}/v1/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body,
  });

describe('security: validation that stalled the event loop', () => {
  it('each 1 MB body is refused with a 400 naming the problem, four at once', async () => {
    const bodies = Object.entries(slowBodies());
    const answers = await Promise.all(
      bodies.map(async ([name, body]) => {
        const response = await post(body);
        return { name, status: response.status, text: await response.text() };
      }),
    );
    for (const answer of answers) {
      expect(answer.status, `${answer.name}: ${answer.text.slice(0, 200)}`).toBe(400);
      expect(answer.text, answer.name).toMatch(/"path":"[^"]+","message":"[^"]+"/);
    }
    expect(ops.enqueued).toBe(0);
  });

  it('a job is walked once per limit: unknown fields are named without reading them', () => {
    let deep: unknown = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const parsed = parseJob({
      request: { messages: [{ role: 'user', content: 'hi' }], junk2: deep },
      junk: deep,
    });
    expect(parsed).toEqual({
      ok: false,
      problems: [
        { path: '(root)', message: 'unknown field(s) "junk"' },
        { path: 'request', message: 'unknown field(s) "junk2"' },
      ],
    });
  });

  it('depth, values and entries are each capped, with the path of the first excess', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = { a: deep };
    const path = jsonShapeProblem({ x: [deep] })?.path ?? '';
    expect(path).toMatch(/^x\.0\.a\.a/);
    expect(path.split('.')).toHaveLength(64);
    expect(jsonShapeProblem({ x: { y: Array(MAX_ARRAY_ITEMS + 1).fill(1) } })).toMatchObject({
      path: 'x.y',
    });
    const many = Array.from({ length: 20 }, () => Array<number>(9_000).fill(0));
    expect(jsonShapeProblem({ m: many })?.message).toMatch(/at most 100000 values/);
  });
});
