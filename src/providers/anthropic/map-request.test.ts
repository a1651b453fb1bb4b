import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_TOKENS, mapRequest, mapToolChoice } from './map-request.js';

describe('Anthropic mapRequest', () => {
  it('defaults max_tokens, which Anthropic requires', () => {
    const params = mapRequest('m', { messages: [{ role: 'user', content: 'hi' }] });
    expect(params.max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(params).not.toHaveProperty('system');
    expect(params).not.toHaveProperty('tools');
  });

  it('maps system, stop sequences and tools, and forces type object on the schema', () => {
    const params = mapRequest('m', {
      system: 'sys',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [
        { name: 't', description: 'd', input_schema: { properties: { a: { type: 'string' } } } },
      ],
      tool_choice: 'auto',
      max_tokens: 10,
      temperature: 1.5,
      stop: ['END'],
    });
    expect(params).toMatchObject({
      system: 'sys',
      max_tokens: 10,
      stop_sequences: ['END'],
      tools: [
        {
          name: 't',
          description: 'd',
          input_schema: { type: 'object', properties: { a: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'auto' },
    });
    expect(params).not.toHaveProperty('temperature');
  });

  it('maps every tool choice', () => {
    expect(mapToolChoice('auto')).toEqual({ type: 'auto' });
    expect(mapToolChoice('required')).toEqual({ type: 'any' });
    expect(mapToolChoice('none')).toEqual({ type: 'none' });
    expect(mapToolChoice({ name: 'x' })).toEqual({ type: 'tool', name: 'x' });
  });

  it('merges consecutive tool results into one user turn and drops empty text', () => {
    const params = mapRequest('m', {
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'a', name: 't', arguments: {} },
            { id: 'b', name: 't', arguments: { x: 1 } },
          ],
        },
        { role: 'tool', tool_call_id: 'a', content: 'A' },
        { role: 'tool', tool_call_id: 'b', content: 'B' },
      ],
    });
    expect(params.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'a', name: 't', input: {} },
          { type: 'tool_use', id: 'b', name: 't', input: { x: 1 } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'a', content: 'A' },
          { type: 'tool_result', tool_use_id: 'b', content: 'B' },
        ],
      },
    ]);
  });
});
