import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { SimulatedSettings } from '../../config/types.js';
import type { CompletionRequest } from '../../ladder/job-schema.js';
import { SimulatedProvider } from './adapter.js';

const settings = (overrides: Partial<SimulatedSettings> = {}): SimulatedSettings => ({
  latencyMs: 0,
  failureRate: 0,
  failStatus: 503,
  chunkDelayMs: 0,
  ...overrides,
});

/** Tools as agents declare them: required fields, types, enums, bounds, nesting. */
const TOOLS: NonNullable<CompletionRequest['tools']> = [
  {
    name: 'get_weather',
    description: 'Current weather for a city',
    input_schema: {
      type: 'object',
      properties: {
        city: { type: 'string', minLength: 2 },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
      },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
  {
    name: 'lookupInvoice',
    description: 'Find an invoice by its number and return its lines',
    input_schema: {
      type: 'object',
      properties: {
        number: { type: 'integer', exclusiveMinimum: 0 },
        include: { type: 'array', items: { enum: ['lines', 'totals'] }, minItems: 1 },
        customer: {
          type: 'object',
          properties: { email: { type: 'string', format: 'email' } },
          required: ['email'],
        },
      },
      required: ['number', 'include', 'customer'],
    },
  },
];

async function answer(
  content: string | CompletionRequest['messages'],
  extra: Partial<CompletionRequest> = {},
  overrides: Partial<SimulatedSettings> = {},
) {
  const provider = new SimulatedProvider({ settings: settings(overrides), random: () => 0.5 });
  const messages = typeof content === 'string' ? [{ role: 'user' as const, content }] : content;
  return provider.complete({
    model: 'sim',
    timeoutMs: 1_000,
    request: { messages, tools: TOOLS, tool_choice: 'auto', ...extra },
  });
}

describe('simulated tool calls on tool_choice auto', () => {
  it('calls the tool the last user message asks for, with arguments valid against its schema', async () => {
    const ajv = new Ajv({ strict: false });
    for (const [prompt, name] of [
      ['What is the weather like in Paris today?', 'get_weather'],
      ['Please look up invoice 42 and list its lines', 'lookupInvoice'],
    ] as const) {
      const { output } = await answer(prompt);
      expect(output.stop_reason, prompt).toBe('tool_use');
      const [call] = output.tool_calls;
      expect(call?.name).toBe(name);
      const schema = TOOLS.find((t) => t.name === name)!.input_schema;
      const validate = ajv.compile(schema);
      expect(validate(call?.arguments), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('answers in words when nothing asks for a tool, after a tool result, or on none', async () => {
    expect((await answer('Tell me a joke about queues')).output).toMatchObject({
      stop_reason: 'end_turn',
      tool_calls: [],
    });
    const afterResult = await answer([
      { role: 'user', content: 'What is the weather in Paris?' },
      {
        role: 'assistant',
        tool_calls: [{ id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"temp": 21}' },
    ]);
    expect(afterResult.output.tool_calls).toEqual([]);
    const none = await answer('What is the weather in Paris?', { tool_choice: 'none' });
    expect(none.output.tool_calls).toEqual([]);
  });

  it('tool_call_rate calls a tool even unasked', async () => {
    const { output } = await answer('Tell me a joke about queues', {}, { toolCallRate: 1 });
    expect(output).toMatchObject({
      stop_reason: 'tool_use',
      tool_calls: [{ name: 'get_weather' }],
    });
    expect(output.tool_calls[0]?.arguments).toMatchObject({ unit: 'celsius' });
  });
});
