import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider/server.js';
import { startRunningLadder, TOKEN, type RunningLadder } from './running-ladder.js';

let fake: FakeProvider;
let running: RunningLadder;

beforeAll(async () => {
  fake = await startFakeProvider();
  running = await startRunningLadder(fake);
});
afterAll(async () => {
  await running.close();
  await fake.close();
});

async function call(
  path: string,
  init: RequestInit & { token?: string | null } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set('Authorization', `Bearer ${init.token ?? TOKEN}`);
  const response = await fetch(running.url + path, { ...init, headers });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** OpenAI's error shape: exactly message, type, param and code, the last two string or null. */
function openAiError(type: string): { asymmetricMatch(body: unknown): boolean } {
  const stringOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
  return {
    asymmetricMatch(body) {
      const error = (body as { error?: Record<string, unknown> } | null)?.error;
      if (!error || Object.keys(body as object).length !== 1) return false;
      return (
        Object.keys(error).sort().join(',') === 'code,message,param,type' &&
        typeof error.message === 'string' &&
        error.type === type &&
        stringOrNull(error.param) &&
        stringOrNull(error.code)
      );
    },
  };
}

describe('errors on the OpenAI-compatible paths, over raw HTTP', () => {
  it.each(['/v1/chat/completions', '/v1/models', '/V1/Models/openai%2Fgpt-4o', '/v1/responses'])(
    'answers 401 on %s in OpenAI shape',
    async (path) => {
      const { status, body, headers } = await call(path, { token: null });
      expect(status).toBe(401);
      expect(body).toEqual(openAiError('authentication_error'));
      expect(headers.get('www-authenticate')).toContain('Bearer');
    },
  );

  it('keeps the API own 401 shape elsewhere', async () => {
    const { status, body } = await call('/v1/ladder', { token: 'wrong' });
    expect(status).toBe(401);
    expect(body).toEqual({ error: { message: 'the token is not valid' } });
  });

  it.each(['/v1/chat/completions', '/v1/responses'])(
    'answers a body that is not JSON on %s with a 400 in OpenAI shape',
    async (path) => {
      const { status, body } = await call(path, {
        method: 'POST',
        body: '{"model": ',
        headers: { 'Content-Type': 'application/json' },
      });
      expect(status).toBe(400);
      expect(body).toEqual(openAiError('invalid_request_error'));
    },
  );

  it('answers GET /v1/responses with a 405 in OpenAI shape', async () => {
    const { status, body, headers } = await call('/v1/responses');
    expect(status).toBe(405);
    expect(body).toEqual(openAiError('invalid_request_error'));
    expect(headers.get('allow')).toBe('POST');
  });

  it('names the header of a floor the ladder does not have', async () => {
    const { status, body } = await call('/v1/chat/completions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Ladder-Floor': 'basement' },
      body: JSON.stringify({ model: 'ladder', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: { type: 'invalid_request_error', param: 'X-Ladder-Floor' },
    });
  });

  it('answers other methods with 405 and an unknown model id with 404', async () => {
    const wrong = await call('/v1/chat/completions');
    expect(wrong.status).toBe(405);
    expect(wrong.body).toEqual(openAiError('invalid_request_error'));
    const missing = await call('/v1/models/nobody%2Fnothing');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'model_not_found', param: 'model' } });
  });

  it.each([
    ['POST', '/v1/embeddings'],
    ['GET', '/v1/files'],
    ['POST', '/v1/completions'],
  ])(
    'answers %s %s, which the ladder does not serve, with 404 in OpenAI shape',
    async (method, path) => {
      const { status, body } = await call(path, { method });
      expect(status).toBe(404);
      expect(body).toEqual(openAiError('not_found_error'));
      expect((body as { error: { message: string } }).error.message).toContain(path);
    },
  );

  it('answers the Messages paths in Anthropic shape: 401, a non-JSON body, another method', async () => {
    const denied = await call('/v1/messages', { method: 'POST', token: null });
    expect(denied.status).toBe(401);
    expect(denied.body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const broken = await call('/v1/messages', {
      method: 'POST',
      body: '{"model": ',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const wrong = await call('/v1/messages/count_tokens');
    expect(wrong.status).toBe(405);
    expect(wrong.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });
});
