import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GoogleProvider } from '../../src/providers/google/adapter.js';
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

const MODEL = 'gemini-test';
let fake: FakeProvider;
let provider: GoogleProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
  provider = new GoogleProvider({ settings: fakeSettings(fake.baseUrls.google) });
});
afterEach(() => fake.reset());
afterAll(async () => fake.close());

describe('Google adapter through @google/genai', () => {
  it('completes text and maps usage with cached content', async () => {
    fake.script(
      'google',
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
      raw_stop_reason: 'STOP',
    });
    expect(completion.usage).toEqual({
      input_tokens: 10,
      output_tokens: 3,
      cached_input_tokens: 4,
    });
    const [sent] = fake.requests('google', MODEL);
    expect(sent?.path).toBe(`/v1beta/models/${MODEL}:generateContent`);
    expect(sent?.body).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { maxOutputTokens: 50, temperature: 0.2, stopSequences: ['END'] },
    });
    expect(sent?.rawBody).not.toContain(TEST_API_KEY);
    expect(sent?.headers['x-goog-api-key']).toBe(TEST_API_KEY);
  });

  it('synthesises stable ids for function calls and sends a tool-result round trip', async () => {
    fake.script(
      'google',
      MODEL,
      toolCall('lookup_invoice', { id: 42 }),
      toolCall('lookup_invoice', { id: 42 }),
    );
    const request = {
      messages: [
        { role: 'user' as const, content: 'Invoice 41?' },
        {
          role: 'assistant' as const,
          tool_calls: [{ id: 'call_a', name: 'lookup_invoice', arguments: { id: 41 } }],
        },
        { role: 'tool' as const, tool_call_id: 'call_a', content: '{"total": 10}' },
      ],
      tools: [{ name: 'lookup_invoice', input_schema: { type: 'object' } }],
      tool_choice: 'required' as const,
    };
    const first = await provider.complete({ model: MODEL, timeoutMs: 5_000, request });
    expect(first.output.stop_reason).toBe('tool_use');
    expect(first.output.raw_stop_reason).toBe('STOP');
    expect(first.output.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_/) as string,
        name: 'lookup_invoice',
        arguments: { id: 42 },
      },
    ]);
    const second = await provider.complete({ model: MODEL, timeoutMs: 5_000, request });
    // A different response (responseId) gives a different id, so ids stay unique in a conversation.
    expect(second.output.tool_calls[0]?.id).not.toBe(first.output.tool_calls[0]?.id);
    expect(fake.requests('google', MODEL)[0]?.body).toMatchObject({
      contents: [
        { role: 'user', parts: [{ text: 'Invoice 41?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'lookup_invoice', args: { id: 41 } } }] },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'lookup_invoice', response: { output: '{"total": 10}' } } },
          ],
        },
      ],
      tools: [
        {
          functionDeclarations: [
            { name: 'lookup_invoice', parametersJsonSchema: { type: 'object' } },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
    });
  });

  it.each([
    [429, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
    [504, 'transient'],
    [400, 'caller'],
    [401, 'misconfigured'],
    [403, 'misconfigured'],
    [404, 'misconfigured'],
  ] as const)('classifies status %i as %s', async (code, errorClass) => {
    fake.script('google', MODEL, status(code));
    expect(await failure(provider, MODEL)).toMatchObject({
      status: code,
      errorClass,
      kind: 'status',
    });
  });

  it('reads RESOURCE_EXHAUSTED and its RetryInfo delay', async () => {
    fake.script('google', MODEL, status(429, { message: 'Quota exceeded', retryAfterSeconds: 27 }));
    const error = await failure(provider, MODEL);
    expect(error).toMatchObject({ errorClass: 'transient', status: 429, retryAfterMs: 27_000 });
    expect(error.message).toContain('RESOURCE_EXHAUSTED');
  });

  it('treats UNAVAILABLE as transient', async () => {
    fake.script('google', MODEL, { kind: 'down' });
    const error = await failure(provider, MODEL);
    expect(error).toMatchObject({ errorClass: 'transient', status: 503 });
    expect(error.message).toContain('UNAVAILABLE');
  });

  it('classifies an input token count over the maximum as context_length', async () => {
    fake.script('google', MODEL, contextLength());
    expect(await failure(provider, MODEL)).toMatchObject({
      errorClass: 'context_length',
      status: 400,
    });
  });

  it('makes exactly one call on a 503 (no retryOptions)', async () => {
    fake.script('google', MODEL, status(503), ok());
    await failure(provider, MODEL);
    expect(fake.calls('google', MODEL)).toBe(1);
  });

  it('turns a hang into a transient timeout', async () => {
    fake.script('google', MODEL, hang());
    expect(await failure(provider, MODEL, { timeoutMs: HANG_TIMEOUT_MS })).toMatchObject({
      errorClass: 'transient',
      kind: 'timeout',
    });
  });

  it("reports the caller's abort as kind aborted", async () => {
    fake.script('google', MODEL, hang());
    const error = await failure(provider, MODEL, { signal: AbortSignal.timeout(100) });
    expect(error).toMatchObject({ errorClass: 'transient', kind: 'aborted' });
  });

  it('turns a connection reset into a transient connection error', async () => {
    fake.script('google', MODEL, reset());
    expect(await failure(provider, MODEL)).toMatchObject({
      errorClass: 'transient',
      kind: 'connection',
    });
  });

  it('turns a body that is not JSON into a transient malformed error', async () => {
    fake.script('google', MODEL, malformed());
    expect(await failure(provider, MODEL)).toMatchObject({
      errorClass: 'transient',
      kind: 'malformed',
    });
  });

  it('treats function-call args that are not an object as malformed', async () => {
    fake.script('google', MODEL, { kind: 'bad_tool_arguments', name: 'lookup_invoice' });
    expect(await failure(provider, MODEL)).toMatchObject({
      errorClass: 'transient',
      kind: 'malformed',
    });
  });

  it('maps empty content, unknown finish reasons and missing usage', async () => {
    fake.script('google', MODEL, { kind: 'empty' }, { kind: 'unknown_stop' }, { kind: 'no_usage' });
    const empty = await provider.complete({ model: MODEL, request: HELLO, timeoutMs: 5_000 });
    expect(empty.output).toMatchObject({ text: '', tool_calls: [] });
    const odd = await provider.complete({ model: MODEL, request: HELLO, timeoutMs: 5_000 });
    expect(odd.output).toMatchObject({ stop_reason: 'other', raw_stop_reason: 'MYSTERY_REASON' });
    const noUsage = await provider.complete({ model: MODEL, request: HELLO, timeoutMs: 5_000 });
    expect(noUsage.usage).toBeNull();
  });

  it('falls back to GOOGLE_GEMINI_BASE_URL when no base URL is configured', async () => {
    vi.stubEnv('GOOGLE_GEMINI_BASE_URL', fake.baseUrls.google);
    try {
      const fromEnv = new GoogleProvider({
        settings: fakeSettings(fake.url, { baseUrl: undefined }),
      });
      await fromEnv.complete({ model: MODEL, request: HELLO, timeoutMs: 5_000 });
      expect(fake.calls('google', MODEL)).toBe(1);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
