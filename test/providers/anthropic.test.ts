import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AnthropicProvider } from '../../src/providers/anthropic/adapter.js';
import {
  contextLength,
  hang,
  malformed,
  ok,
  reset,
  startFakeProvider,
  status,
  toolCall,
  type FakeProvider,
} from '../helpers/fake-provider/server.js';
import { failure, fakeSettings, HANG_TIMEOUT_MS, HELLO, TEST_API_KEY } from './harness.js';

const MODEL = 'claude-test';
let fake: FakeProvider;
let provider: AnthropicProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
  provider = new AnthropicProvider({ settings: fakeSettings(fake.baseUrls.anthropic) });
});
afterEach(() => fake.reset());
afterAll(async () => fake.close());

describe('Anthropic adapter through @anthropic-ai/sdk', () => {
  it('completes text and maps usage with cache reads', async () => {
    fake.script(
      'anthropic',
      MODEL,
      ok('Hi there', { input_tokens: 10, output_tokens: 3, cached_input_tokens: 4 }),
    );
    const completion = await provider.complete({ model: MODEL, request: HELLO, timeoutMs: 5_000 });
    expect(completion.output).toEqual({
      text: 'Hi there',
      tool_calls: [],
      stop_reason: 'end_turn',
      raw_stop_reason: 'end_turn',
    });
    expect(completion.usage).toEqual({
      input_tokens: 14,
      output_tokens: 3,
      cached_input_tokens: 4,
    });
    const [sent] = fake.requests('anthropic', MODEL);
    expect(sent?.body).toMatchObject({
      model: MODEL,
      max_tokens: 1024,
      messages: [{ role: 'user' }],
    });
    expect(sent?.rawBody).not.toContain(TEST_API_KEY);
    expect(JSON.stringify(sent?.headers)).toContain(TEST_API_KEY);
  });

  it('returns a tool call and sends a tool-result round trip', async () => {
    fake.script('anthropic', MODEL, toolCall('lookup_invoice', { id: 42 }));
    const completion = await provider.complete({
      model: MODEL,
      timeoutMs: 5_000,
      request: {
        system: 'You are billing.',
        messages: [
          { role: 'user', content: 'Invoice 41?' },
          {
            role: 'assistant',
            tool_calls: [{ id: 'toolu_1', name: 'lookup_invoice', arguments: { id: 41 } }],
          },
          { role: 'tool', tool_call_id: 'toolu_1', content: '{"total": 10}' },
          { role: 'user', content: 'And 42?' },
        ],
        tools: [
          {
            name: 'lookup_invoice',
            input_schema: { type: 'object', properties: { id: { type: 'number' } } },
          },
        ],
        tool_choice: 'required',
      },
    });
    expect(completion.output.stop_reason).toBe('tool_use');
    expect(completion.output.tool_calls).toEqual([
      { id: expect.any(String) as string, name: 'lookup_invoice', arguments: { id: 42 } },
    ]);
    const body = fake.requests('anthropic', MODEL)[0]?.body;
    expect(body).toMatchObject({
      system: 'You are billing.',
      tool_choice: { type: 'any' },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Invoice 41?' }] },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup_invoice', input: { id: 41 } }],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"total": 10}' },
            { type: 'text', text: 'And 42?' },
          ],
        },
      ],
    });
  });

  it.each([
    [429, 'transient'],
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
    [529, 'transient'],
    [400, 'caller'],
    [413, 'caller'],
    [422, 'caller'],
    [401, 'misconfigured'],
    [403, 'misconfigured'],
    [404, 'misconfigured'],
  ] as const)('classifies status %i as %s', async (code, errorClass) => {
    fake.script('anthropic', MODEL, status(code));
    const error = await failure(provider, MODEL);
    expect(error).toMatchObject({ status: code, errorClass, kind: 'status' });
  });

  it('keeps the provider message and Retry-After of a 429', async () => {
    fake.script(
      'anthropic',
      MODEL,
      status(429, {
        message: 'Number of requests has exceeded your rate limit',
        retryAfterSeconds: 7,
      }),
    );
    const error = await failure(provider, MODEL);
    expect(error).toMatchObject({ errorClass: 'transient', status: 429, retryAfterMs: 7_000 });
    expect(error.message).toContain('rate_limit_error');
  });

  it('treats 529 overloaded_error as transient', async () => {
    fake.script('anthropic', MODEL, status(529, { message: 'Overloaded' }));
    const error = await failure(provider, MODEL);
    expect(error).toMatchObject({ errorClass: 'transient', status: 529 });
    expect(error.message).toContain('overloaded_error');
  });

  it('classifies prompt too long as context_length', async () => {
    fake.script('anthropic', MODEL, contextLength());
    expect(await failure(provider, MODEL)).toMatchObject({
      errorClass: 'context_length',
      status: 400,
    });
  });

  it('makes exactly one call on a 503 (SDK retries off)', async () => {
    fake.script('anthropic', MODEL, status(503), ok());
    await failure(provider, MODEL);
    expect(fake.calls('anthropic', MODEL)).toBe(1);
  });

  it('turns a hang into a transient timeout', async () => {
    fake.script('anthropic', MODEL, hang());
    const error = await failure(provider, MODEL, { timeoutMs: HANG_TIMEOUT_MS });
    expect(error).toMatchObject({ errorClass: 'transient', kind: 'timeout' });
  });

  it("reports the caller's abort as kind aborted", async () => {
    fake.script('anthropic', MODEL, hang());
    const error = await failure(provider, MODEL, { signal: AbortSignal.timeout(100) });
    expect(error).toMatchObject({ errorClass: 'transient', kind: 'aborted' });
  });

  it('turns a connection reset into a transient connection error', async () => {
    fake.script('anthropic', MODEL, reset());
    expect(await failure(provider, MODEL)).toMatchObject({
      errorClass: 'transient',
      kind: 'connection',
    });
  });

  it('turns a body that is not JSON into a transient malformed error', async () => {
    fake.script('anthropic', MODEL, malformed());
    expect(await failure(provider, MODEL)).toMatchObject({
      errorClass: 'transient',
      kind: 'malformed',
    });
  });

  it('maps empty content, unknown stop reasons and missing usage', async () => {
    fake.script(
      'anthropic',
      MODEL,
      { kind: 'empty' },
      { kind: 'unknown_stop' },
      { kind: 'no_usage' },
    );
    const empty = await provider.complete({ model: MODEL, request: HELLO, timeoutMs: 5_000 });
    expect(empty.output).toMatchObject({ text: '', tool_calls: [] });
    const odd = await provider.complete({ model: MODEL, request: HELLO, timeoutMs: 5_000 });
    expect(odd.output).toMatchObject({ stop_reason: 'other', raw_stop_reason: 'mystery_reason' });
    const noUsage = await provider.complete({ model: MODEL, request: HELLO, timeoutMs: 5_000 });
    expect(noUsage.usage).toBeNull();
  });

  it('treats tool input that is not an object as malformed', async () => {
    fake.script('anthropic', MODEL, { kind: 'bad_tool_arguments', name: 'lookup_invoice' });
    expect(await failure(provider, MODEL)).toMatchObject({
      errorClass: 'transient',
      kind: 'malformed',
    });
  });

  it('reports a refused connection as a transient connection error', async () => {
    const closed = await startFakeProvider();
    await closed.close();
    const offline = new AnthropicProvider({ settings: fakeSettings(closed.url) });
    expect(await failure(offline, MODEL)).toMatchObject({
      errorClass: 'transient',
      kind: 'connection',
    });
  });

  it('without a key fails as misconfigured naming the variable, without calling', async () => {
    const keyless = new AnthropicProvider({
      settings: fakeSettings(fake.url, { apiKey: undefined, apiKeyEnv: ['ANTHROPIC_API_KEY'] }),
    });
    const error = await failure(keyless, MODEL);
    expect(error.errorClass).toBe('misconfigured');
    expect(error.message).toContain('set ANTHROPIC_API_KEY or providers.anthropic.api_key');
    expect(fake.calls('anthropic', MODEL)).toBe(0);
  });

  it('falls back to ANTHROPIC_BASE_URL when no base URL is configured', async () => {
    vi.stubEnv('ANTHROPIC_BASE_URL', fake.baseUrls.anthropic);
    try {
      const fromEnv = new AnthropicProvider({
        settings: fakeSettings(fake.url, { baseUrl: undefined }),
      });
      await fromEnv.complete({ model: MODEL, request: HELLO, timeoutMs: 5_000 });
      expect(fake.calls('anthropic', MODEL)).toBe(1);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
