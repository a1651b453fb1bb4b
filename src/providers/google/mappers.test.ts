import { describe, expect, it } from 'vitest';
import { readGeminiErrorBody } from './map-error.js';
import { mapRequest, mapToolChoice } from './map-request.js';
import { mapResponse } from './map-response.js';
import { mapGeminiStopReason } from './map-stop-reason.js';
import { synthesizeToolCallId } from './tool-call-id.js';

const ctx = { provider: 'google', model: 'm' };

describe('Google mappers', () => {
  it('maps roles to user/model and looks up function names for tool results', () => {
    const params = mapRequest('m', {
      messages: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: 'calling',
          tool_calls: [{ id: 'x1', name: 'lookup', arguments: { a: 1 } }],
        },
        { role: 'tool', tool_call_id: 'x1', content: 'done' },
      ],
    });
    expect(params.contents).toEqual([
      { role: 'user', parts: [{ text: 'go' }] },
      {
        role: 'model',
        parts: [{ text: 'calling' }, { functionCall: { name: 'lookup', args: { a: 1 } } }],
      },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'lookup', response: { output: 'done' } } }],
      },
    ]);
    expect(params.config?.automaticContinuation).toBe(false);
  });

  it('maps tool choices to function calling modes', () => {
    expect(mapToolChoice('auto')).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(mapToolChoice('none')).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(mapToolChoice('required')).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(mapToolChoice({ name: 'f' })).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] },
    });
  });

  it('keeps ids Gemini gives, and synthesises stable ones otherwise', () => {
    const body = {
      responseId: 'r1',
      candidates: [
        {
          finishReason: 'STOP',
          content: {
            parts: [
              { functionCall: { name: 'f', args: { a: 1 } } },
              { functionCall: { id: 'given', name: 'g' } },
            ],
          },
        },
      ],
    };
    const first = mapResponse(ctx, body);
    const again = mapResponse(ctx, body);
    expect(first.output.tool_calls[0]?.id).toBe(again.output.tool_calls[0]?.id);
    expect(first.output.tool_calls[0]?.id).toBe(
      synthesizeToolCallId({ responseId: 'r1', index: 0, name: 'f', args: { a: 1 } }),
    );
    expect(first.output.tool_calls[1]).toEqual({ id: 'given', name: 'g', arguments: {} });
    expect(first.output.stop_reason).toBe('tool_use');
  });

  it('skips thought parts and counts thinking tokens as output', () => {
    const completion = mapResponse(ctx, {
      candidates: [
        {
          finishReason: 'MAX_TOKENS',
          content: { parts: [{ text: 'thinking', thought: true }, { text: 'answer' }] },
        },
      ],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 2, thoughtsTokenCount: 5 },
    });
    expect(completion).toEqual({
      output: {
        text: 'answer',
        tool_calls: [],
        stop_reason: 'max_tokens',
        raw_stop_reason: 'MAX_TOKENS',
      },
      usage: { input_tokens: 10, output_tokens: 7 },
    });
  });

  it('reports a blocked prompt as content_filter', () => {
    const completion = mapResponse(ctx, { promptFeedback: { blockReason: 'SAFETY' } });
    expect(completion.output).toMatchObject({
      stop_reason: 'content_filter',
      raw_stop_reason: 'SAFETY',
    });
  });

  it.each([
    ['STOP', false, 'end_turn'],
    ['STOP', true, 'tool_use'],
    ['MAX_TOKENS', false, 'max_tokens'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'other'],
    [null, false, 'other'],
  ] as const)('maps finishReason %s (calls: %s) to %s', (raw, calls, unified) => {
    expect(mapGeminiStopReason(raw, calls)).toBe(unified);
  });

  it('reads the status and RetryInfo out of an error body', () => {
    const text = JSON.stringify({
      error: {
        code: 429,
        message: 'Quota',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' }],
      },
    });
    expect(readGeminiErrorBody(text)).toEqual({
      message: 'RESOURCE_EXHAUSTED: Quota',
      retryAfterMs: 1500,
    });
    expect(readGeminiErrorBody('not json')).toEqual({ message: 'not json', retryAfterMs: null });
  });
});
