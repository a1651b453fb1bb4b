import { describe, expect, it } from 'vitest';
import type { JobResult } from '../../ladder/result.js';
import { QueueFullError } from '../../producer/errors.js';
import { catalogFromLevels } from '../../producer/ladder-ops.js';
import { isOpenAiError, toOpenAiError } from './errors.js';
import { entryFor, modelIds, resolveModel } from './model-map.js';
import { servedOrThrow } from './outcome.js';
import { splitText, toChunks, toSse } from './stream-chunks.js';
import {
  finishReason,
  ladderResponseHeaders,
  toChatCompletion,
  type ServedRecord,
} from './to-completion.js';

function record(extra: Partial<JobResult> = {}): ServedRecord {
  return {
    id: 'j1',
    status: 'completed',
    level: 2,
    level_name: 'reduced',
    entry_level: 1,
    floor: 4,
    provider: 'openai',
    model: 'gpt-4o',
    source: 'llm',
    degraded: true,
    output: { text: 'hello', tool_calls: [], stop_reason: 'end_turn', raw_stop_reason: 'stop' },
    usage: { input_tokens: 10, output_tokens: 5 },
    attempts: [],
    timing: { enqueued_at: '2025-01-01T00:00:00.000Z' },
    ...extra,
  };
}

describe('toChatCompletion', () => {
  it('maps a served record to a chat.completion', () => {
    expect(toChatCompletion(record())).toEqual({
      id: 'chatcmpl-j1',
      object: 'chat.completion',
      created: 1735689600,
      model: 'openai/gpt-4o',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'hello', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
  });

  it('sends null content and JSON-string arguments for tool calls', () => {
    const out = toChatCompletion(
      record({
        output: {
          text: '',
          tool_calls: [{ id: 'c1', name: 'f', arguments: { a: 1 } }],
          stop_reason: 'tool_use',
          raw_stop_reason: null,
        },
      }),
    );
    expect(out.choices[0]?.message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
    });
    expect(out.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('names cache and static answers after the ladder, with zero usage', () => {
    const cached = toChatCompletion(
      record({ source: 'cache', provider: undefined, model: undefined }),
    );
    expect(cached.model).toBe('ladder/cache');
    expect(cached.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    expect(toChatCompletion(record({ source: 'static', usage: null })).model).toBe('ladder/static');
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['other', 'stop'],
  ] as const)('maps stop reason %s to %s', (stop, finish) => {
    expect(finishReason({ stop_reason: stop, tool_calls: [] })).toBe(finish);
  });

  it('puts the ladder facts in headers', () => {
    expect(ladderResponseHeaders(record())).toEqual({
      'X-Ladder-Job-Id': 'j1',
      'X-Ladder-Level': '2',
      'X-Ladder-Level-Name': 'reduced',
      'X-Ladder-Source': 'llm',
      'X-Ladder-Degraded': 'true',
    });
  });
});

describe('streaming chunks', () => {
  it('splits text into pieces that join back exactly, never inside a surrogate pair', () => {
    const text = 'word '.repeat(40) + '😀'.repeat(30);
    const pieces = splitText(text, 16);
    expect(pieces.join('')).toBe(text);
    expect(pieces.every((p) => Array.from(p).length <= 16 && !/^[\uDC00-\uDFFF]/.test(p))).toBe(
      true,
    );
    expect(splitText('')).toEqual([]);
  });

  it('sends role, content, tool calls, finish and usage chunks, then [DONE]', () => {
    const served = record({
      output: {
        text: 'hi',
        tool_calls: [{ id: 'c1', name: 'f', arguments: {} }],
        stop_reason: 'tool_use',
        raw_stop_reason: null,
      },
    });
    const chunks = toChunks(served, { includeUsage: true });
    expect(chunks.map((c) => c.choices[0]?.delta ?? 'usage')).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { content: 'hi' },
      {
        tool_calls: [
          { index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } },
        ],
      },
      {},
      'usage',
    ]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
    });
    expect(toChunks(served, { includeUsage: false }).every((c) => !('usage' in c))).toBe(true);
    expect(toSse(chunks).endsWith('data: [DONE]\n\n')).toBe(true);
  });
});

describe('outcomes', () => {
  const fails = (r: JobResult | null): ReturnType<typeof toOpenAiError> => {
    try {
      servedOrThrow('j1', r, 1000);
    } catch (error) {
      if (isOpenAiError(error)) return error;
    }
    throw new Error('expected an error');
  };

  it('maps how a job ended to OpenAI statuses', () => {
    expect(
      fails(record({ status: 'failed', error: { message: 'all down', class: 'transient' } }))
        .status,
    ).toBe(503);
    expect(
      fails(record({ status: 'failed', error: { message: 'late', class: 'deadline' } })).status,
    ).toBe(504);
    expect(fails(record({ status: 'active' })).status).toBe(504);
    expect(
      fails(record({ status: 'failed', error: { message: 'bad', class: 'caller' } })).status,
    ).toBe(400);
    expect(
      fails(record({ status: 'failed', error: { message: 'long', class: 'context_length' } }))
        .options.code,
    ).toBe('context_length_exceeded');
    expect(fails(record({ status: 'cancelled' })).status).toBe(409);
    expect(fails(null).status).toBe(500);
    expect(fails(record({ status: 'active' })).options.headers).toEqual({
      'X-Ladder-Job-Id': 'j1',
    });
  });

  it('answers a full queue with 429, rate_limit_error and Retry-After', () => {
    const error = toOpenAiError(new QueueFullError('full', 12, 2_500));
    expect(error.status).toBe(429);
    expect(error.body().error).toMatchObject({ type: 'rate_limit_error', code: 'queue_full' });
    expect(error.options.headers).toEqual({ 'Retry-After': '3' });
  });
});

describe('model map', () => {
  const catalog = catalogFromLevels([
    {
      kind: 'llm',
      level: 1,
      name: 'full',
      targets: [{ provider: 'openai', model: 'gpt-4o', id: 'openai/gpt-4o' }],
    },
    {
      kind: 'llm',
      level: 2,
      name: 'reduced',
      targets: [
        { provider: 'openai', model: 'gpt-4o', id: 'openai/gpt-4o' },
        { provider: 'google', model: 'g', id: 'google/g' },
      ],
    },
    { kind: 'static', level: 3, name: 'static', message: 'sorry' },
  ]);

  it('reads ladder, level names, complexities and targets', () => {
    expect(resolveModel(catalog, 'ladder')).toEqual({ kind: 'ladder' });
    expect(resolveModel(catalog, 'reduced')).toEqual({ kind: 'level', level: 'reduced' });
    expect(resolveModel(catalog, 'simple')).toEqual({ kind: 'complexity', complexity: 'simple' });
    expect(resolveModel(catalog, 'openai/gpt-4o')).toEqual({
      kind: 'target',
      level: 1,
      prefer: 'openai/gpt-4o',
    });
    expect(resolveModel(catalog, 'google/g')).toEqual({
      kind: 'target',
      level: 2,
      prefer: 'google/g',
    });
    expect(resolveModel(catalog, 'gpt-4o')).toBeNull();
  });

  it('refuses an unknown model with model_not_found on param model', () => {
    let caught: unknown;
    try {
      entryFor(catalog, 'nope');
    } catch (error) {
      caught = error;
    }
    expect(isOpenAiError(caught) && caught.body().error).toMatchObject({
      param: 'model',
      code: 'model_not_found',
      type: 'invalid_request_error',
    });
  });

  it('lists each model id once', () => {
    expect(modelIds(catalog)).toEqual([
      'ladder',
      'full',
      'reduced',
      'static',
      'simple',
      'standard',
      'complex',
      'openai/gpt-4o',
      'google/g',
    ]);
  });
});
