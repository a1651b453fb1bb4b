import { describe, expect, it } from 'vitest';
import { AnthropicProvider } from '../../src/providers/anthropic/adapter.js';
import { startFakeProvider, status, toolCall } from '../helpers/fake-provider/server.js';
import { providerContract } from './contract.js';
import { failure, fakeSettings, HELLO, TEST_API_KEY } from './harness.js';

const MODEL = 'claude-test';
const TITLE = 'Anthropic adapter through @anthropic-ai/sdk';

const t = providerContract({
  title: TITLE,
  wire: 'anthropic',
  model: MODEL,
  create: (settings) => new AnthropicProvider({ settings }),
  completion: {
    request: HELLO,
    rawStopReason: 'end_turn',
    inputTokens: 14,
    expectSent: (sent) => {
      expect(sent.body).toMatchObject({
        model: MODEL,
        max_tokens: 1024,
        messages: [{ role: 'user' }],
      });
      expect(JSON.stringify(sent.headers)).toContain(TEST_API_KEY);
    },
  },
  statuses: [
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
  ],
  rateLimited: {
    message: 'Number of requests has exceeded your rate limit',
    retryAfterSeconds: 7,
    messageContains: 'rate_limit_error',
  },
  unknownStopReason: 'mystery_reason',
  baseUrlEnv: 'ANTHROPIC_BASE_URL',
  apiKeyEnv: 'ANTHROPIC_API_KEY',
});

/** What only this provider's wire format has: its tool-call shape and its own errors. */
describe(TITLE, () => {
  it('returns a tool call and sends a tool-result round trip', async () => {
    t.fake.script('anthropic', MODEL, toolCall('lookup_invoice', { id: 42 }));
    const completion = await t.provider.complete({
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
    const body = t.fake.requests('anthropic', MODEL)[0]?.body;
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

  it('treats 529 overloaded_error as transient', async () => {
    t.fake.script('anthropic', MODEL, status(529, { message: 'Overloaded' }));
    const error = await failure(t.provider, MODEL);
    expect(error).toMatchObject({ errorClass: 'transient', status: 529 });
    expect(error.message).toContain('overloaded_error');
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
});
