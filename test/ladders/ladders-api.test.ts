import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpApiError } from '../../src/producer/http-client.js';
import { LadderClient } from '../../src/producer/ladder-client.js';
import { job } from '../helpers/ladder.js';
import { startTwoLadders, type Side, type TwoLadders } from './two-ladders.js';

let two: TwoLadders;
beforeAll(async () => {
  two = await startTwoLadders();
}, 60_000);
afterAll(async () => {
  await two?.close();
});

function client(side: Side, token = side.token): LadderClient {
  return new LadderClient({ url: side.url, token });
}

function sdk(baseURL: string, apiKey: string): OpenAI {
  return new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 20_000 });
}

async function post(url: string, token: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(job('hello')),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('one API serving two ladders under /ladders/{name}', () => {
  it('names each ladder after its prefix without braces', () => {
    expect(two.a.name).not.toBe(two.b.name);
    expect(two.a.ladder.config.redis.prefix.replace(/[{}]/g, '')).toBe(two.a.name);
  });

  it('LadderClient over HTTP enqueues to each ladder; each ladder serves its own jobs', async () => {
    for (const side of [two.a, two.b]) {
      const ladder = client(side);
      try {
        const { id } = await ladder.enqueue(job(`for ${side.name}`));
        const result = await ladder.result(id, { timeoutMs: 20_000 });
        expect(result?.status).toBe('completed');
        expect(result?.level).toBe(1);
        // The job lives under this ladder's prefix only.
        const other = side === two.a ? two.b : two.a;
        expect(await side.ladder.ops.get(id)).not.toBeNull();
        expect(await other.ladder.ops.get(id)).toBeNull();
        expect(await client(other).get(id)).toBeNull();
      } finally {
        await ladder.close();
      }
    }
  });

  it('the official openai SDK works with baseURL /ladders/{name}/v1', async () => {
    for (const side of [two.a, two.b]) {
      const { data, response } = await sdk(`${side.url}/v1`, side.token)
        .chat.completions.create({
          model: 'ladder',
          messages: [{ role: 'user', content: `Summarise invoice 42 for ${side.name}` }],
          max_tokens: 64,
        })
        .withResponse();
      expect(data.choices[0]?.message.content).toBeTruthy();
      const jobId = response.headers.get('x-ladder-job-id') ?? '';
      expect(jobId).not.toBe('');
      expect((await side.ladder.ops.get(jobId))?.status).toBe('completed');
      const models = await sdk(`${side.url}/v1`, side.token).models.list();
      expect(models.data.length).toBeGreaterThan(0);
    }
  });

  it('the Anthropic SDK (x-api-key) and the Responses API work under /ladders/{name}', async () => {
    const anthropic = new Anthropic({ baseURL: two.a.url, apiKey: two.a.token, maxRetries: 0 });
    const message = await anthropic.messages.create({
      model: 'ladder',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Summarise invoice 42' }],
    });
    expect(message.content[0]?.type).toBe('text');
    const crossed = new Anthropic({ baseURL: two.b.url, apiKey: two.a.token, maxRetries: 0 });
    const refused = await crossed.messages
      .create({ model: 'ladder', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Anthropic.AuthenticationError);
    const response = await sdk(`${two.b.url}/v1`, two.b.token).responses.create({
      model: 'ladder',
      input: 'Summarise invoice 42',
    });
    expect(response.output_text).toBeTruthy();
  });

  it("refuses a ladder's token on the other ladder, in each API's error shape", async () => {
    const wrong = await post(`${two.b.url}/v1/jobs`, two.a.token);
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain(two.a.token);
    const error = await sdk(`${two.b.url}/v1`, two.a.token)
      .chat.completions.create({ model: 'ladder', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    const refused = await client(two.a, two.b.token)
      .enqueue(job('x'))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpApiError);
    expect((refused as HttpApiError).status).toBe(401);
    // And the right token still works there.
    expect((await post(`${two.b.url}/v1/jobs`, two.b.token)).status).toBe(202);
  });

  it('answers 404 naming the ladders for an unknown ladder, in OpenAI shape under /v1', async () => {
    const response = await fetch(`${two.url}/ladders/no-such-ladder/v1/ladder`, {
      headers: { authorization: `Bearer ${two.a.token}` },
    });
    expect(response.status).toBe(404);
    const { error: body } = (await response.json()) as { error: { message: string } };
    expect(body.message).toContain('"no-such-ladder"');
    expect(body.message).toContain(two.a.name);
    expect(body.message).toContain(two.b.name);
    const error = await sdk(`${two.url}/ladders/nope/v1`, two.a.token)
      .chat.completions.create({ model: 'ladder', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as Error).message).toContain(two.b.name);
    expect((await fetch(`${two.url}/ladders`)).status).toBe(404);
  });

  it('a root /v1 path needs X-Ladder: without it 404 listing the ladders, with it that ladder', async () => {
    const bare = await post(`${two.url}/v1/jobs`, two.a.token);
    expect(bare.status).toBe(404);
    expect(JSON.stringify(bare.body)).toContain(two.b.name);
    const named = await post(`${two.url}/v1/jobs`, two.a.token, { 'x-ladder': two.a.name });
    expect(named.status).toBe(202);
    expect(await two.a.ladder.ops.get(String(named.body.id))).not.toBeNull();
    expect((await post(`${two.url}/v1/jobs`, two.b.token, { 'x-ladder': two.a.name })).status).toBe(
      401,
    );
    const unknown = await post(`${two.url}/v1/jobs`, two.a.token, { 'x-ladder': 'zzz' });
    expect(unknown.status).toBe(404);
    // No token of either ladder opens the root's own metrics: there are none.
    const metrics = await fetch(`${two.url}/metrics`, {
      headers: { authorization: `Bearer ${two.a.token}` },
    });
    expect(metrics.status).toBe(404);
  });

  it('/healthz and /readyz stay open; /readyz reports every ladder', async () => {
    expect((await fetch(`${two.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${two.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      ladders: { [two.a.name]: { status: 'ready' }, [two.b.name]: { status: 'ready' } },
    });
    expect((await fetch(`${two.a.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${two.url}/openapi.json`)).status).toBe(200);
  });

  it("serves each ladder's metrics and dashboard under its path, linking within it", async () => {
    const basic = `Basic ${Buffer.from(`admin:${two.a.token}`).toString('base64')}`;
    const page = await fetch(`${two.a.url}/admin/ladder`, { headers: { authorization: basic } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`href="/ladders/${two.a.name}/admin/queues"`);
    expect(html).toContain(`const BASE = '/ladders/${two.a.name}'`);
    const state = await fetch(`${two.a.url}/admin/ladder.json`, {
      headers: { authorization: basic },
    });
    expect(((await state.json()) as { levels: unknown[] }).levels).toHaveLength(2);
    const board = await fetch(`${two.a.url}/admin/queues`, { headers: { authorization: basic } });
    expect(board.status).toBe(200);
    expect(await board.text()).toContain(`/ladders/${two.a.name}/admin/queues`);
    const redirect = await fetch(`${two.a.url}/admin/`, {
      headers: { authorization: basic },
      redirect: 'manual',
    });
    expect(redirect.headers.get('location')).toBe(`/ladders/${two.a.name}/admin/ladder`);
    const refused = await fetch(`${two.b.url}/admin/ladder`, { headers: { authorization: basic } });
    expect(refused.status).toBe(401);
    const metrics = await fetch(`${two.a.url}/metrics`, {
      headers: { authorization: `Bearer ${two.a.token}` },
    });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('ladder_state_up');
  });
});
