import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/ladder/job-schema.js';
import { startApi, TOKEN, type RunningApi } from '../api/harness.js';
import { FakeLadderOps } from '../api/fake-ops.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider/server.js';
import { job, startTestLadder, testConfig } from '../helpers/ladder.js';

const MAX_BODY = 4 * 1024 * 1024;
let ops: FakeLadderOps;
let api: RunningApi;
beforeAll(async () => {
  ops = new FakeLadderOps();
  api = await startApi({ ops, config: { maxBodyBytes: MAX_BODY } });
});
afterAll(async () => {
  await api.close();
});

async function post(body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${api.url}/v1/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

const request = (patch: Record<string, unknown>): Record<string, unknown> => ({
  request: { messages: [{ role: 'user', content: 'hi' }], ...patch },
});
const messages = (n: number): unknown[] =>
  Array.from({ length: n }, () => ({ role: 'user', content: 'm' }));
const tools = (n: number): unknown[] =>
  Array.from({ length: n }, (_, i) => ({ name: `tool_${i}`, input_schema: { type: 'object' } }));

describe('security: limits on what one job may ask for', () => {
  it.each([
    [
      'messages',
      request({ messages: messages(LIMITS.maxMessages) }),
      request({ messages: messages(LIMITS.maxMessages + 1) }),
      'request.messages',
    ],
    [
      'tools',
      request({ tools: tools(LIMITS.maxTools) }),
      request({ tools: tools(LIMITS.maxTools + 1) }),
      'request.tools',
    ],
    [
      'max_tokens',
      request({ max_tokens: LIMITS.maxTokens }),
      request({ max_tokens: LIMITS.maxTokens + 1 }),
      'request.max_tokens',
    ],
    [
      'stop sequences',
      request({ stop: Array.from({ length: LIMITS.maxStops }, (_, i) => `s${i}`) }),
      request({ stop: Array.from({ length: LIMITS.maxStops + 1 }, (_, i) => `s${i}`) }),
      'request.stop',
    ],
    [
      'string length',
      request({ system: 'x'.repeat(LIMITS.maxStringChars) }),
      request({ system: 'x'.repeat(LIMITS.maxStringChars + 1) }),
      'request.system',
    ],
    [
      'metadata keys',
      {
        ...request({}),
        metadata: Object.fromEntries(
          Array.from({ length: LIMITS.maxMetadataKeys }, (_, i) => [`k${i}`, i]),
        ),
      },
      {
        ...request({}),
        metadata: Object.fromEntries(
          Array.from({ length: LIMITS.maxMetadataKeys + 1 }, (_, i) => [`k${i}`, i]),
        ),
      },
      'metadata',
    ],
  ])(
    '%s: the limit is accepted, one more is a 400 naming the path',
    async (_name, atLimit, overLimit, path) => {
      expect((await post(atLimit)).status).toBe(202);
      const over = await post(overLimit);
      expect(over.status).toBe(400);
      expect(over.text).toContain(path);
    },
  );

  it('a body over api.max_body_bytes is a 413 before it is parsed', async () => {
    const before = ops.enqueued;
    const answer = await post({ ...request({}), metadata: { big: 'x'.repeat(MAX_BODY) } });
    expect(answer.status).toBe(413);
    expect(ops.enqueued).toBe(before);
  });

  it.each([
    [
      'base_url on the job',
      { ...request({}), base_url: 'http://169.254.169.254/latest/' },
      'base_url',
    ],
    ['base_url in the request', request({ base_url: 'http://127.0.0.1:1/' }), 'request'],
    ['baseURL in the request', request({ baseURL: 'http://evil.example/' }), 'request'],
    ['api_key on the job', { ...request({}), api_key: 'sk-mine' }, 'api_key'],
    [
      'provider and model on the job',
      { ...request({}), provider: 'openai', model: 'gpt-4o' },
      '(root)',
    ],
    [
      'a base_url inside a message',
      request({ messages: [{ role: 'user', content: 'hi', base_url: 'http://x/' }] }),
      'request.messages.0',
    ],
  ])('%s: rejected as an unknown field, nothing enqueued', async (_name, body, path) => {
    const before = ops.enqueued;
    const answer = await post(body);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain(path);
    expect(ops.enqueued).toBe(before);
  });
});

describe('security: a raw BullMQ job cannot choose the host a worker calls', () => {
  let fake: FakeProvider;
  beforeAll(async () => {
    fake = await startFakeProvider();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('base_url in raw job data fails the job as invalid; no provider is called', async () => {
    const config = testConfig({ levels: [{ name: 'full', targets: ['openai/gpt-4o'] }] }, fake);
    const ladder = await startTestLadder(config);
    const queue = new Queue('full', {
      connection: { url: config.redis.url },
      prefix: config.redis.prefix,
    });
    try {
      const data = { ...job('go elsewhere'), base_url: 'http://127.0.0.1:1/' };
      const withInRequest = job('go elsewhere');
      (withInRequest.request as Record<string, unknown>).base_url = 'http://127.0.0.1:1/';
      await queue.add('completion', data, { jobId: 'raw-base-url-1' });
      await queue.add('completion', withInRequest, { jobId: 'raw-base-url-2' });
      for (const id of ['raw-base-url-1', 'raw-base-url-2']) {
        const result = await ladder.ops.result(id, { timeoutMs: 10_000 });
        expect(result).toMatchObject({ status: 'failed', error: { class: 'invalid' } });
        expect(result?.error?.message).toMatch(/base_url/);
      }
      expect(fake.requests()).toHaveLength(0);
    } finally {
      await queue.close();
      await ladder.close();
    }
  });
});
