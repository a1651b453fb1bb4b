import { describe, expect, it } from 'vitest';
import type { JobResult } from '../../ladder/result.js';
import { BlockRelay } from '../compat/block-relay.js';
import type { ServedRecord } from '../openai-compat/to-completion.js';
import { parseResponsesRequest, type InputItem, type ResolvedItem } from './request-schema.js';
import { responsesEvents } from './stream-events.js';
import { toJob } from './to-job.js';
import { echoOf, toResponse } from './to-response.js';

const headers = { deadlineMs: 120_000 };

const isResolved = (item: InputItem): item is ResolvedItem => item.type !== 'item_reference';

function built(body: Record<string, unknown>) {
  const request = parseResponsesRequest({ model: 'ladder', ...body });
  // No item_reference in these inputs: nothing to resolve.
  const items =
    typeof request.input === 'string' ? request.input : request.input.filter(isResolved);
  return toJob({ request: { ...request, input: items }, entry: { kind: 'ladder' }, headers });
}

function record(extra: Partial<JobResult> = {}): ServedRecord {
  return {
    id: 'j1',
    status: 'completed',
    level: 1,
    level_name: 'full',
    entry_level: 1,
    floor: 2,
    provider: 'openai',
    model: 'gpt-4o',
    source: 'llm',
    degraded: false,
    output: { text: 'hello', tool_calls: [], stop_reason: 'end_turn', raw_stop_reason: 'stop' },
    usage: { input_tokens: 10, output_tokens: 5, cached_input_tokens: 4 },
    attempts: [],
    timing: { enqueued_at: '2025-01-01T00:00:00.000Z' },
    ...extra,
  };
}

describe('Responses input → the neutral job', () => {
  it('folds instructions and developer messages into system, and parallel calls into one turn', () => {
    const { job, paramFor } = built({
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Use tools.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Two invoices?' }] },
        { type: 'function_call', call_id: 'c1', name: 'lookup', arguments: '{"n":1}' },
        { type: 'function_call', call_id: 'c2', name: 'lookup', arguments: '' },
        { type: 'function_call_output', call_id: 'c1', output: 'paid' },
        {
          type: 'function_call_output',
          call_id: 'c2',
          output: [{ type: 'input_text', text: 'x' }],
        },
      ],
      max_output_tokens: 50,
    });
    expect(job.request).toEqual({
      system: 'Be brief.\n\nUse tools.',
      messages: [
        { role: 'user', content: 'Two invoices?' },
        {
          role: 'assistant',
          tool_calls: [
            { id: 'c1', name: 'lookup', arguments: { n: 1 } },
            { id: 'c2', name: 'lookup', arguments: {} },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'paid', name: 'lookup' },
        { role: 'tool', tool_call_id: 'c2', content: 'x', name: 'lookup' },
      ],
      max_tokens: 50,
    });
    // Error paths go back to the item the message came from.
    expect(paramFor('request.messages.1.tool_calls.0.arguments')).toBe('input[2]');
    expect(paramFor('request.messages.3.content')).toBe('input[5].output');
    expect(paramFor('request.system')).toBe('instructions');
    expect(paramFor('request.max_tokens')).toBe('max_output_tokens');
    expect(paramFor('request.response_format.json_schema.schema.properties')).toBe(
      'text.format.schema.properties',
    );
    expect(paramFor('request.tools.0.input_schema')).toBe('tools[0].parameters');
    expect(paramFor('floor')).toBe('X-Ladder-Floor');
  });

  it('joins an assistant message and the calls right after it; a string input is one user turn', () => {
    const { job } = built({
      input: [
        { role: 'user', content: 'hi' },
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Looking.' }],
        },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
      ],
    });
    expect(job.request.messages[1]).toEqual({
      role: 'assistant',
      content: 'Looking.',
      tool_calls: [{ id: 'c1', name: 'f', arguments: {} }],
    });
    const single = built({ input: 'hello', text: { format: { type: 'json_object' } } });
    expect(single.job.request).toEqual({
      messages: [{ role: 'user', content: 'hello' }],
      response_format: { type: 'json_object' },
    });
    expect(single.paramFor('request.messages.0.content')).toBe('input');
  });
});

describe('the Responses answer', () => {
  it('is one message item then one function_call item per call, with usage', () => {
    const echo = echoOf(parseResponsesRequest({ model: 'ladder', input: 'x' }));
    const response = toResponse(
      record({
        output: {
          text: 'Let me look.',
          tool_calls: [{ id: 'call_1', name: 'lookup', arguments: { n: 1 } }],
          stop_reason: 'tool_use',
          raw_stop_reason: 'tool_calls',
        },
      }),
      echo,
    );
    expect(response).toMatchObject({
      id: 'resp_j1',
      object: 'response',
      created_at: 1735689600,
      status: 'completed',
      model: 'openai/gpt-4o',
      output: [
        {
          type: 'message',
          id: 'msg_j1_0',
          content: [{ type: 'output_text', text: 'Let me look.' }],
        },
        { type: 'function_call', id: 'fc_j1_1', call_id: 'call_1', arguments: '{"n":1}' },
      ],
      usage: {
        input_tokens: 10,
        input_tokens_details: { cached_tokens: 4 },
        output_tokens: 5,
        total_tokens: 15,
      },
    });
    expect(response).not.toHaveProperty('output_text');
  });

  it('streams as numbered events, and a length stop ends with response.incomplete', () => {
    const sent: Array<{ type: string; data: Record<string, unknown> }> = [];
    const echo = echoOf(parseResponsesRequest({ model: 'ladder', input: 'x' }));
    const writer = responsesEvents(
      'j1',
      'ladder',
      echo,
    )((type, data) => sent.push({ type, data: data as Record<string, unknown> }));
    const relay = new BlockRelay(writer, () => writer.begin());
    relay.delta({ text: 'Hel' });
    relay.delta({ text: 'lo' });
    relay.closeOpen();
    writer.end(
      record({
        output: {
          text: 'Hello',
          tool_calls: [],
          stop_reason: 'max_tokens',
          raw_stop_reason: 'length',
        },
      }),
    );
    expect(sent.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.incomplete',
    ]);
    expect(sent.map((e) => e.data.sequence_number)).toEqual(sent.map((_e, i) => i));
    expect(sent[6]?.data).toMatchObject({ item_id: 'msg_j1_0', text: 'Hello' });
    expect(sent.at(-1)?.data.response).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      model: 'openai/gpt-4o',
      output: [{ type: 'message', status: 'incomplete', content: [{ text: 'Hello' }] }],
    });
  });
});
