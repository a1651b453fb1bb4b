import { describe, expect, it } from 'vitest';
import { isProviderError } from '../provider-error.js';
import { mapRequest, mapToolChoice } from './map-request.js';
import { mapResponse } from './map-response.js';
import { mapOpenAIStopReason } from './map-stop-reason.js';

const ctx = { provider: 'openai', model: 'm' };

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('OpenAI mappers', () => {
  it('leaves out what the job did not set', () => {
    expect(mapRequest('m', { messages: [{ role: 'user', content: 'hi' }] })).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it('sends tool_choice only with tools', () => {
    expect(
      mapRequest('m', { messages: [{ role: 'user', content: 'hi' }], tool_choice: 'required' }),
    ).not.toHaveProperty('tool_choice');
    expect(mapToolChoice('required')).toBe('required');
    expect(mapToolChoice({ name: 'x' })).toEqual({ type: 'function', function: { name: 'x' } });
  });

  it('parses tool-call arguments and treats an empty string as {}', () => {
    const completion = mapResponse(ctx, {
      choices: [
        {
          finish_reason: 'tool_calls',
          message: {
            content: null,
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'a', arguments: '{"x":1}' } },
              { id: 'c2', type: 'function', function: { name: 'b', arguments: '' } },
            ],
          },
        },
      ],
    });
    expect(completion.output.tool_calls).toEqual([
      { id: 'c1', name: 'a', arguments: { x: 1 } },
      { id: 'c2', name: 'b', arguments: {} },
    ]);
    expect(completion.usage).toBeNull();
  });

  it('rejects arguments that are JSON but not an object', () => {
    const error = thrownBy(() =>
      mapResponse(ctx, {
        choices: [
          {
            finish_reason: 'tool_calls',
            message: { tool_calls: [{ id: 'c', function: { name: 'a', arguments: '[1]' } }] },
          },
        ],
      }),
    );
    expect(isProviderError(error) && error.kind === 'malformed').toBe(true);
  });

  it('surfaces a refusal as content_filter text', () => {
    const completion = mapResponse(ctx, {
      choices: [{ finish_reason: 'stop', message: { content: null, refusal: 'I cannot help.' } }],
    });
    expect(completion.output).toMatchObject({
      text: 'I cannot help.',
      stop_reason: 'content_filter',
      raw_stop_reason: 'stop',
    });
  });

  it('throws malformed without choices', () => {
    const error = thrownBy(() => mapResponse(ctx, { choices: [] }));
    expect(isProviderError(error) && error.kind === 'malformed').toBe(true);
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['content_filter', 'content_filter'],
    ['function_call', 'tool_use'],
    ['weird', 'other'],
  ] as const)('maps finish_reason %s to %s', (raw, unified) => {
    expect(mapOpenAIStopReason(raw)).toBe(unified);
  });
});
