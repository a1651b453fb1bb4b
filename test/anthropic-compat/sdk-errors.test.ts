import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { down, type FakeProvider } from '../helpers/fake-provider/server.js';
import { caught } from '../helpers/caught.js';
import { TOKEN, type RunningLadder } from '../openai-compat/running-ladder.js';
import { useClaudeLadder } from './claude-ladder.js';
import { lookupTool } from './lookup-tool.js';

let fake: FakeProvider;
let running: RunningLadder;
let client: Anthropic;
useClaudeLadder((l) => ({ fake, running, client } = l));

describe('the official Anthropic SDK against llm-ladder: counting, refusals and errors', () => {
  it('count_tokens estimates the input without enqueueing anything', async () => {
    const counted = await client.messages.countTokens({
      model: 'claude-sonnet-4-6',
      system: 'You are a billing assistant.',
      messages: [{ role: 'user', content: 'Summarise invoice 42 for me, please.' }],
      tools: [lookupTool],
    });
    expect(counted.input_tokens).toBeGreaterThan(10);
    expect(fake.requests()).toHaveLength(0);
  });

  it('answers 529 overloaded_error when the ladder has no level left', async () => {
    fake.setDefault('anthropic', 'claude-sonnet-4-6', down());
    fake.setDefault('openai', 'gpt-4o', down());
    const error = await caught(() =>
      client.messages.create(
        { model: 'claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'X-Ladder-Floor': 'reduced' } },
      ),
    );
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(529);
    expect(apiError.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(apiError.headers?.get('x-ladder-job-id')).toBeTruthy();
  });

  it('refuses images, server tools and bad fields with a 400 naming them, before any job', async () => {
    const image = await caught(() =>
      client.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 16,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            ],
          },
        ],
      }),
    );
    expect(image).toBeInstanceOf(Anthropic.BadRequestError);
    expect((image as Error).message).toContain('messages.0.content.1');
    expect((image as Error).message).toContain('image blocks are not supported');

    const server = await caught(() =>
      client.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 16,
        messages: [{ role: 'user', content: 'search the web' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      }),
    );
    expect(server).toBeInstanceOf(Anthropic.BadRequestError);
    expect((server as Error).message).toContain('web_search_20250305');

    const response = await fetch(`${running.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': TOKEN,
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
      },
      body: JSON.stringify({
        model: 'claude-sonnet-4-6',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      type: string;
      error: { type: string; message: string };
    };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('max_tokens');
    expect(fake.requests()).toHaveLength(0);
  });

  it('answers 401 in Anthropic shape for a wrong x-api-key, and an unknown model as a 400', async () => {
    const wrong = new Anthropic({ baseURL: running.url, apiKey: 'not-the-token', maxRetries: 0 });
    const denied = await caught(() =>
      wrong.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(denied).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((denied as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
    const unknown = await caught(() =>
      client.messages.create({
        model: 'claude-nonexistent',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(unknown).toBeInstanceOf(Anthropic.BadRequestError);
    expect((unknown as Error).message).toContain('claude-nonexistent');
  });
});
