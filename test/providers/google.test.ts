import { describe, expect, it } from 'vitest';
import { GoogleProvider } from '../../src/providers/google/adapter.js';
import { toolCall } from '../helpers/fake-provider/server.js';
import { providerContract } from './contract.js';
import { failure, HELLO, TEST_API_KEY } from './harness.js';

const MODEL = 'gemini-test';
const TITLE = 'Google adapter through @google/genai';

const t = providerContract({
  title: TITLE,
  wire: 'google',
  model: MODEL,
  create: (settings) => new GoogleProvider({ settings }),
  completion: {
    request: { ...HELLO, system: 'Be brief.', max_tokens: 50, temperature: 0.2, stop: ['END'] },
    rawStopReason: 'STOP',
    inputTokens: 10,
    expectSent: (sent) => {
      expect(sent.path).toBe(`/v1beta/models/${MODEL}:generateContent`);
      expect(sent.body).toMatchObject({
        contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        generationConfig: { maxOutputTokens: 50, temperature: 0.2, stopSequences: ['END'] },
      });
      expect(sent.headers['x-goog-api-key']).toBe(TEST_API_KEY);
    },
  },
  statuses: [
    [429, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
    [504, 'transient'],
    [400, 'caller'],
    [401, 'misconfigured'],
    [403, 'misconfigured'],
    [404, 'misconfigured'],
  ],
  // The fake answers a 429 as RESOURCE_EXHAUSTED with a RetryInfo delay.
  rateLimited: {
    message: 'Quota exceeded',
    retryAfterSeconds: 27,
    messageContains: 'RESOURCE_EXHAUSTED',
  },
  unknownStopReason: 'MYSTERY_REASON',
  baseUrlEnv: 'GOOGLE_GEMINI_BASE_URL',
});

/** What only this provider's wire format has: its tool-call shape and its own errors. */
describe(TITLE, () => {
  it('synthesises stable ids for function calls and sends a tool-result round trip', async () => {
    t.fake.script(
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
    const first = await t.provider.complete({ model: MODEL, timeoutMs: 5_000, request });
    expect(first.output.stop_reason).toBe('tool_use');
    expect(first.output.raw_stop_reason).toBe('STOP');
    expect(first.output.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_/) as string,
        name: 'lookup_invoice',
        arguments: { id: 42 },
      },
    ]);
    const second = await t.provider.complete({ model: MODEL, timeoutMs: 5_000, request });
    // A different response (responseId) gives a different id, so ids stay unique in a conversation.
    expect(second.output.tool_calls[0]?.id).not.toBe(first.output.tool_calls[0]?.id);
    expect(t.fake.requests('google', MODEL)[0]?.body).toMatchObject({
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

  it('treats UNAVAILABLE as transient', async () => {
    t.fake.script('google', MODEL, { kind: 'down' });
    const error = await failure(t.provider, MODEL);
    expect(error).toMatchObject({ errorClass: 'transient', status: 503 });
    expect(error.message).toContain('UNAVAILABLE');
  });
});
