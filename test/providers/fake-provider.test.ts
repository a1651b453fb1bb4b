import { afterEach, describe, expect, it } from 'vitest';
import {
  ANY_MODEL,
  down,
  hang,
  ok,
  startFakeProvider,
  type FakeProvider,
} from '../helpers/fake-provider/server.js';

let fake: FakeProvider | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function post(url: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

describe('fake provider server', () => {
  it('stays responsive while a hang is pending, and close() cuts the hang', async () => {
    fake = await startFakeProvider();
    fake.script('openai', 'slow', hang());
    const pending = post(`${fake.baseUrls.openai}/chat/completions`, {
      model: 'slow',
      messages: [],
    }).then(
      () => 'answered',
      () => 'cut',
    );
    const quick = await post(`${fake.baseUrls.openai}/chat/completions`, {
      model: 'quick',
      messages: [],
    });
    expect(quick.status).toBe(200);
    expect(fake.calls('openai', 'slow')).toBe(1);
    await fake.close();
    fake = undefined;
    expect(await pending).toBe('cut');
  });

  it('serves the queue first, then the model default, then the provider default', async () => {
    fake = await startFakeProvider();
    const server = fake;
    server.setDefault('google', ANY_MODEL, down());
    server.setDefault('google', 'flash', ok('default for flash'));
    server.script('google', 'flash', ok('scripted'));
    const call = async (model: string) => {
      const res = await post(`${server.url}/v1beta/models/${model}:generateContent`, {
        contents: [],
      });
      const body: unknown = await res.json();
      return { status: res.status, body };
    };
    expect(JSON.stringify((await call('flash')).body)).toContain('scripted');
    expect(JSON.stringify((await call('flash')).body)).toContain('default for flash');
    const other = await call('pro');
    expect(other.status).toBe(503);
    expect(other.body).toMatchObject({ error: { code: 503, status: 'UNAVAILABLE' } });
    expect(server.calls('google', 'flash')).toBe(2);
    expect(server.requests('google').map((r) => r.model)).toEqual(['flash', 'flash', 'pro']);
    server.reset();
    expect(server.calls('google', 'flash')).toBe(0);
    expect((await call('pro')).status).toBe(200);
  });

  it('answers unknown paths with 404', async () => {
    fake = await startFakeProvider();
    const res = await post(`${fake.url}/v2/unknown`, {});
    expect(res.status).toBe(404);
  });
});
