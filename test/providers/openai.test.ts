import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OpenAIProvider } from '../../src/providers/openai/adapter.js';
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

const MODEL = 'gpt-test';
let fake: FakeProvider;
let provider: OpenAIProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
  provider = new OpenAIProvider({ settings: fakeSettings(fake.baseUrls.openai) });
});
afterEach(() => fake.reset());
afterAll(async () => fake.close());

describe('OpenAI adapter through the openai SDK', () => {
  it('completes text and maps usage with cached tokens', async () => {
    fake.script(
      'openai',
      MODEL,
      ok('Hi there', { input_tokens: 10, output_tokens: 3, cached_input_tokens: 4 }),
    );
    const completion = await provider.complete({
      model: MODEL,
      request: { ...HELLO, system: 'Be brief.', max_tokens: 50, temperature: 0.2, stop: ['END'] },
      timeoutMs: 5_000,
    });
    expect(completion.output).toEqual({
      text: 'Hi there',
      tool_calls: [],
      stop_reason: 'end_turn',
      raw_stop_reason: 'stop',
    });
    expect(completion.usage).toEqual({
      input_tokens: 10,
      output_tokens: 3,
      cached_input_tokens: 4,
    });
    const [sent] = fake.requests('openai', MODEL);
    expect(sent?.body).toMatchObject({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
      max_completion_tokens: 50,
      temperature: 0.2,
      stop: ['END'],
    });
    expect(sent?.rawBody).not.toContain(TEST_API_KEY);
    expect(sent?.headers.authorization).toBe(`Bearer ${TEST_API_KEY}`);
  });

  it('returns a tool call with parsed arguments and sends a tool-result round trip', async () => {
    fake.script('openai', MODEL, toolCall('lookup_invoice', { id: 42 }));
    const completion = await provider.complete({
      model: MODEL,
      timeoutMs: 5_000,
      request: {
        messages: [
          { role: 'user', content: 'Invoice 41?' },
          {
            role: 'assistant',
            tool_calls: [{ id: 'call_1', name: 'lookup_invoice', arguments: { id: 41 } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '{"total": 10}' },
        ],
        tools: [
          {
            name: 'lookup_invoice',
            description: 'Finds an invoice',
            input_schema: { type: 'object' },
          },
        ],
        tool_choice: { name: 'lookup_invoice' },
      },
    });
    expect(completion.output.stop_reason).toBe('tool_use');
    expect(completion.output.raw_stop_reason).toBe('tool_calls');
    expect(completion.output.tool_calls).toEqual([
      { id: expect.any(String) as string, name: 'lookup_invoice', arguments: { id: 42 } },
    ]);
    expect(fake.requests('openai', MODEL)[0]?.body).toMatchObject({
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup_invoice',
            description: 'Finds an invoice',
            parameters: { type: 'object' },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup_invoice' } },
      messages: [
        { role: 'user', content: 'Invoice 41?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'lookup_invoice', arguments: '{"id":41}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"total": 10}' },
      ],
    });
  });

  it('treats tool-call arguments that are not JSON as a transient malformed answer', async () => {
    fake.script('openai', MODEL, { kind: 'bad_tool_arguments', name: 'lookup_invoice' });
    expect(await failure(provider, MODEL)).toMatchObject({
      errorClass: 'transient',
      kind: 'malformed',
    });
  });

  it.each([
    [429, 'transient'],
    [500, 'transient'],
    [502, 'transient'],
    [503, 'transient'],
    [504, 'transient'],
    [400, 'caller'],
    [422, 'caller'],
    [401, 'misconfigured'],
    [403, 'misconfigured'],
    [404, 'misconfigured'],
  ] as const)('classifies status %i as %s', async (code, errorClass) => {
    fake.script('openai', MODEL, status(code));
    expect(await failure(provider, MODEL)).toMatchObject({
      status: code,
      errorClass,
      kind: 'status',
    });
  });

  it('keeps the Retry-After of a 429', async () => {
    fake.script(
      'openai',
      MODEL,
      status(429, { message: 'Rate limit reached', retryAfterSeconds: 3 }),
    );
    const error = await failure(provider, MODEL);
    expect(error).toMatchObject({ errorClass: 'transient', retryAfterMs: 3_000 });
    expect(error.message).toContain('Rate limit reached');
  });

  it('classifies context_length_exceeded as context_length', async () => {
    fake.script('openai', MODEL, contextLength());
    expect(await failure(provider, MODEL)).toMatchObject({
      errorClass: 'context_length',
      status: 400,
    });
  });

  it('makes exactly one call on a 503 (SDK retries off)', async () => {
    fake.script('openai', MODEL, status(503), ok());
    await failure(provider, MODEL);
    expect(fake.calls('openai', MODEL)).toBe(1);
  });

  it('turns a hang into a transient timeout', async () => {
    fake.script('openai', MODEL, hang());
    expect(await failure(provider, MODEL, { timeoutMs: HANG_TIMEOUT_MS })).toMatchObject({
      errorClass: 'transient',
      kind: 'timeout',
    });
  });

  it("reports the caller's abort as kind aborted", async () => {
    fake.script('openai', MODEL, hang());
    const error = await failure(provider, MODEL, { signal: AbortSignal.timeout(100) });
    expect(error).toMatchObject({ errorClass: 'transient', kind: 'aborted' });
  });

  it('turns a connection reset into a transient connection error', async () => {
    fake.script('openai', MODEL, reset());
    expect(await failure(provider, MODEL)).toMatchObject({
      errorClass: 'transient',
      kind: 'connection',
    });
  });

  it('turns a body that is not JSON into a transient malformed error', async () => {
    fake.script('openai', MODEL, malformed());
    expect(await failure(provider, MODEL)).toMatchObject({
      errorClass: 'transient',
      kind: 'malformed',
    });
  });

  it('maps empty content, unknown finish reasons and missing usage', async () => {
    fake.script('openai', MODEL, { kind: 'empty' }, { kind: 'unknown_stop' }, { kind: 'no_usage' });
    const empty = await provider.complete({ model: MODEL, request: HELLO, timeoutMs: 5_000 });
    expect(empty.output).toMatchObject({ text: '', tool_calls: [] });
    const odd = await provider.complete({ model: MODEL, request: HELLO, timeoutMs: 5_000 });
    expect(odd.output).toMatchObject({ stop_reason: 'other', raw_stop_reason: 'mystery_reason' });
    const noUsage = await provider.complete({ model: MODEL, request: HELLO, timeoutMs: 5_000 });
    expect(noUsage.usage).toBeNull();
  });

  it('without a key fails as misconfigured naming the variable', async () => {
    const keyless = new OpenAIProvider({
      settings: fakeSettings(fake.baseUrls.openai, {
        apiKey: undefined,
        apiKeyEnv: ['OPENAI_API_KEY'],
      }),
    });
    const error = await failure(keyless, MODEL);
    expect(error).toMatchObject({ errorClass: 'misconfigured' });
    expect(error.message).toContain('set OPENAI_API_KEY or providers.openai.api_key');
  });

  it('falls back to OPENAI_BASE_URL when no base URL is configured', async () => {
    vi.stubEnv('OPENAI_BASE_URL', fake.baseUrls.openai);
    try {
      const fromEnv = new OpenAIProvider({
        settings: fakeSettings(fake.url, { baseUrl: undefined }),
      });
      await fromEnv.complete({ model: MODEL, request: HELLO, timeoutMs: 5_000 });
      expect(fake.calls('openai', MODEL)).toBe(1);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
