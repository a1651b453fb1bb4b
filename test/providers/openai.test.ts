import { describe, expect, it } from 'vitest';
import { OpenAIProvider } from '../../src/providers/openai/adapter.js';
import { toolCall } from '../helpers/fake-provider/server.js';
import { providerContract } from './contract.js';
import { HELLO, TEST_API_KEY } from './harness.js';

const MODEL = 'gpt-test';
const TITLE = 'OpenAI adapter through the openai SDK';

const t = providerContract({
  title: TITLE,
  wire: 'openai',
  model: MODEL,
  create: (settings) => new OpenAIProvider({ settings }),
  completion: {
    request: { ...HELLO, system: 'Be brief.', max_tokens: 50, temperature: 0.2, stop: ['END'] },
    rawStopReason: 'stop',
    inputTokens: 10,
    expectSent: (sent) => {
      expect(sent.body).toMatchObject({
        model: MODEL,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hello' },
        ],
        max_completion_tokens: 50,
        temperature: 0.2,
        stop: ['END'],
      });
      expect(sent.headers.authorization).toBe(`Bearer ${TEST_API_KEY}`);
    },
  },
  statuses: [
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
  ],
  rateLimited: {
    message: 'Rate limit reached',
    retryAfterSeconds: 3,
    messageContains: 'Rate limit reached',
  },
  unknownStopReason: 'mystery_reason',
  baseUrlEnv: 'OPENAI_BASE_URL',
  apiKeyEnv: 'OPENAI_API_KEY',
});

/** What only this provider's wire format has: its tool-call shape. */
describe(TITLE, () => {
  it('returns a tool call with parsed arguments and sends a tool-result round trip', async () => {
    t.fake.script('openai', MODEL, toolCall('lookup_invoice', { id: 42 }));
    const completion = await t.provider.complete({
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
    expect(t.fake.requests('openai', MODEL)[0]?.body).toMatchObject({
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
});
