import { describe, expect, it } from 'vitest';
import { isOpenAiError, type OpenAiError } from './errors.js';
import { parseLadderHeaders } from './ladder-headers.js';
import { parseChatRequest } from './request-schema.js';
import { toJob } from './to-job.js';

const headers = { deadlineMs: 120_000 };

function rejection(work: () => unknown): OpenAiError {
  try {
    work();
  } catch (error) {
    if (isOpenAiError(error)) return error;
    throw error;
  }
  throw new Error('expected an OpenAiError');
}

describe('parseChatRequest', () => {
  it('refuses n other than 1 naming n', () => {
    const error = rejection(() =>
      parseChatRequest({ model: 'ladder', n: 2, messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(error.status).toBe(400);
    expect(error.body().error).toMatchObject({ type: 'invalid_request_error', param: 'n' });
  });

  it('accepts n: 1 and null, and drops fields the ladder has no use for', () => {
    const request = parseChatRequest({
      model: 'ladder',
      n: 1,
      top_p: 0.3,
      seed: 7,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(request).not.toHaveProperty('top_p');
    expect(
      parseChatRequest({ model: 'ladder', n: null, messages: [{ role: 'user', content: 'hi' }] }).n,
    ).toBeNull();
  });

  it('names the path of a bad message, of image parts and of JSON modes', () => {
    expect(
      rejection(() =>
        parseChatRequest({
          model: 'm',
          messages: [
            { role: 'user', content: 'a' },
            { role: 'user', content: 3 },
          ],
        }),
      ).options.param,
    ).toBe('messages[1].content');
    expect(
      rejection(() =>
        parseChatRequest({
          model: 'm',
          messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }],
        }),
      ).message,
    ).toContain('only text');
    expect(
      rejection(() =>
        parseChatRequest({
          model: 'm',
          response_format: { type: 'xml' },
          messages: [{ role: 'user', content: 'a' }],
        }),
      ).options.param,
    ).toBe('response_format.type');
    expect(rejection(() => parseChatRequest([])).status).toBe(400);
  });
});

describe('toJob', () => {
  it('folds system and developer messages into system and keeps the rest in order', () => {
    const request = parseChatRequest({
      model: 'ladder',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use euros.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'part one' },
            { type: 'text', text: 'part two' },
          ],
        },
      ],
      max_completion_tokens: 100,
      max_tokens: 50,
      temperature: 0.2,
      stop: 'END',
      metadata: { trace_id: 't-1' },
      user: 'u-9',
    });
    const { job, prefer } = toJob({
      request,
      entry: { kind: 'ladder' },
      headers: { ...headers, agent: 'bot' },
    });
    expect(prefer).toBeUndefined();
    expect(job).toEqual({
      request: {
        system: 'Be brief.\n\nUse euros.',
        messages: [{ role: 'user', content: 'part one\npart two' }],
        max_tokens: 100,
        temperature: 0.2,
        stop: ['END'],
      },
      deadline_ms: 120_000,
      metadata: { trace_id: 't-1', user: 'u-9', agent: 'bot' },
    });
  });

  it('parses tool call arguments, names tool results and maps tools and tool_choice', () => {
    const request = parseChatRequest({
      model: 'full',
      messages: [
        { role: 'user', content: 'look up 42' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'lookup', arguments: '{"invoice":42}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'paid' },
      ],
      tools: [
        { type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } },
        { type: 'function', function: { name: 'noop' } },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
    });
    const { job } = toJob({
      request,
      entry: { kind: 'level', level: 'full' },
      headers: { ...headers, floor: 2, id: 'k-1' },
    });
    expect(job).toMatchObject({ id: 'k-1', level: 'full', floor: 2 });
    expect(job.request.messages).toEqual([
      { role: 'user', content: 'look up 42' },
      {
        role: 'assistant',
        tool_calls: [{ id: 'call_1', name: 'lookup', arguments: { invoice: 42 } }],
      },
      { role: 'tool', tool_call_id: 'call_1', name: 'lookup', content: 'paid' },
    ]);
    expect(job.request.tools).toEqual([
      { name: 'lookup', input_schema: { type: 'object' } },
      { name: 'noop', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(job.request.tool_choice).toEqual({ name: 'lookup' });
  });

  it('refuses tool call arguments that are not a JSON object, naming the path', () => {
    for (const args of ['{not json', '[1]']) {
      const request = parseChatRequest({
        model: 'm',
        messages: [
          { role: 'user', content: 'x' },
          {
            role: 'assistant',
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }],
          },
        ],
      });
      const error = rejection(() => toJob({ request, entry: { kind: 'ladder' }, headers }));
      expect(error.options.param).toBe('messages[1].tool_calls[0].function.arguments');
    }
  });

  it('puts a target into prefer and its level into the job', () => {
    const request = parseChatRequest({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
    });
    const built = toJob({
      request,
      entry: { kind: 'target', level: 2, prefer: 'openai/gpt-4o-mini' },
      headers,
    });
    expect(built.prefer).toBe('openai/gpt-4o-mini');
    expect(built.job.level).toBe(2);
  });

  it('marks a stream: true request as a streamed job, and only that', () => {
    const entry = { kind: 'ladder' } as const;
    const messages = [{ role: 'user', content: 'x' }];
    const streamedJob = toJob({
      request: parseChatRequest({ model: 'ladder', stream: true, messages }),
      entry,
      headers,
    }).job;
    expect(streamedJob.stream).toBe(true);
    for (const stream of [false, null, undefined]) {
      const plain = toJob({
        request: parseChatRequest({ model: 'ladder', stream, messages }),
        entry,
        headers,
      }).job;
      expect(plain).not.toHaveProperty('stream');
    }
  });

  it('translates neutral job paths back to the request and its headers', () => {
    const request = parseChatRequest({
      model: 'm',
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: 'x' },
      ],
    });
    const { paramFor } = toJob({ request, entry: { kind: 'ladder' }, headers });
    expect(paramFor('request.messages.0.content')).toBe('messages[1].content');
    expect(paramFor('request.tools.3.input_schema')).toBe('tools[3].function.parameters');
    expect(paramFor('floor')).toBe('X-Ladder-Floor');
    expect(paramFor('id')).toBe('Idempotency-Key');
    expect(paramFor('request.max_tokens')).toBe('max_tokens');
  });
});

describe('parseLadderHeaders', () => {
  it('reads floor, deadline, idempotency key and agent', () => {
    expect(
      parseLadderHeaders(
        {
          'x-ladder-floor': '3',
          'x-ladder-deadline-ms': '500',
          'idempotency-key': 'abc',
          'x-ladder-agent': 'bot',
        },
        10_000,
      ),
    ).toEqual({
      floor: 3,
      deadlineMs: 500,
      id: 'abc',
      agent: 'bot',
    });
    expect(parseLadderHeaders({ 'x-ladder-floor': 'basic' }, 10_000)).toEqual({
      floor: 'basic',
      deadlineMs: 10_000,
    });
  });

  it('refuses a deadline beyond api.sync_timeout_ms and ids BullMQ cannot take, naming the header', () => {
    expect(
      rejection(() => parseLadderHeaders({ 'x-ladder-deadline-ms': '20000' }, 10_000)).options
        .param,
    ).toBe('X-Ladder-Deadline-Ms');
    expect(
      rejection(() => parseLadderHeaders({ 'x-ladder-deadline-ms': '1.5' }, 10_000)).options.param,
    ).toBe('X-Ladder-Deadline-Ms');
    expect(
      rejection(() => parseLadderHeaders({ 'idempotency-key': 'a:b' }, 10_000)).options.param,
    ).toBe('Idempotency-Key');
  });
});
