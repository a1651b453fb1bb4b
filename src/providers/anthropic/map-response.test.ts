import { describe, expect, it } from 'vitest';
import { isProviderError } from '../provider-error.js';
import { mapResponse, mapUsage } from './map-response.js';
import { mapAnthropicStopReason } from './map-stop-reason.js';

const ctx = { provider: 'anthropic', model: 'm' };

describe('Anthropic mapResponse', () => {
  it('joins text blocks, keeps tool calls and skips thinking', () => {
    const completion = mapResponse(ctx, {
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 's' },
        { type: 'text', text: 'a' },
        { type: 'tool_use', id: 'tu', name: 't', input: { q: 1 } },
        { type: 'text', text: 'b' },
      ],
      stop_reason: 'tool_use',
      usage: {
        input_tokens: 5,
        output_tokens: 2,
        cache_read_input_tokens: 3,
        cache_creation_input_tokens: 1,
      },
    });
    expect(completion).toEqual({
      output: {
        text: 'ab',
        tool_calls: [{ id: 'tu', name: 't', arguments: { q: 1 } }],
        stop_reason: 'tool_use',
        raw_stop_reason: 'tool_use',
      },
      usage: { input_tokens: 9, output_tokens: 2, cached_input_tokens: 3 },
    });
  });

  it('throws a malformed ProviderError on a body without content', () => {
    let thrown: unknown;
    try {
      mapResponse(ctx, { id: 'x' });
    } catch (error) {
      thrown = error;
    }
    expect(
      isProviderError(thrown) && thrown.kind === 'malformed' && thrown.errorClass === 'transient',
    ).toBe(true);
  });

  it('reads missing usage as null and omits zero cache reads', () => {
    expect(mapUsage(undefined)).toBeNull();
    expect(mapUsage({ input_tokens: 1, output_tokens: 2, cache_read_input_tokens: null })).toEqual({
      input_tokens: 1,
      output_tokens: 2,
    });
  });

  it.each([
    ['end_turn', 'end_turn'],
    ['max_tokens', 'max_tokens'],
    ['stop_sequence', 'stop_sequence'],
    ['tool_use', 'tool_use'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'other'],
    ['model_context_window_exceeded', 'max_tokens'],
    [null, 'other'],
  ] as const)('maps stop reason %s to %s', (raw, unified) => {
    expect(mapAnthropicStopReason(raw)).toBe(unified);
  });
});
