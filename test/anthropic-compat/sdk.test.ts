import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import {
  down,
  ok,
  streamed,
  toolCall,
  type FakeProvider,
} from '../helpers/fake-provider/server.js';
import { caught } from '../helpers/caught.js';
import { useClaudeLadder } from './claude-ladder.js';
import { lookupTool } from './lookup-tool.js';

let fake: FakeProvider;
let client: Anthropic;
useClaudeLadder((l) => ({ fake, client } = l));

describe('the official Anthropic SDK against a running llm-ladder', () => {
  it('messages.create: Claude answers in its own shape, usage split as Anthropic counts it', async () => {
    fake.script(
      'anthropic',
      'claude-sonnet-4-6',
      ok('Invoice 42 totals $10.', { input_tokens: 20, output_tokens: 8 }),
    );
    const { data: message, response } = await client.messages
      .create({
        model: 'claude-sonnet-4-6',
        max_tokens: 64,
        system: [{ type: 'text', text: 'You are a billing assistant.' }],
        messages: [{ role: 'user', content: 'Summarise invoice 42' }],
        stop_sequences: ['END'],
        metadata: { user_id: 'user-7' },
      })
      .withResponse();
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'anthropic/claude-sonnet-4-6',
      content: [{ type: 'text', text: 'Invoice 42 totals $10.' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 20, output_tokens: 8 },
    });
    expect(message.id).toMatch(/^msg_/);
    expect(response.headers.get('x-ladder-level')).toBe('1');
    expect(response.headers.get('x-ladder-degraded')).toBe('false');
    const sent = fake.requests('anthropic', 'claude-sonnet-4-6')[0]?.body as Record<
      string,
      unknown
    >;
    expect(JSON.stringify(sent.system)).toContain('You are a billing assistant.');
    expect(sent.stop_sequences).toEqual(['END']);
    expect(sent.max_tokens).toBe(64);
  });

  it('is served by the OpenAI target during a Claude outage, still in Anthropic shape', async () => {
    fake.setDefault('anthropic', 'claude-sonnet-4-6', down());
    fake.script(
      'openai',
      'gpt-4o',
      ok('served by the next level', { input_tokens: 9, output_tokens: 4 }),
    );
    const { data: message, response } = await client.messages
      .create({
        model: 'claude-sonnet-4-6',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hello during an outage' }],
      })
      .withResponse();
    expect(message).toMatchObject({
      type: 'message',
      model: 'openai/gpt-4o',
      content: [{ type: 'text', text: 'served by the next level' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 9, output_tokens: 4 },
    });
    expect(response.headers.get('x-ladder-level')).toBe('2');
    expect(response.headers.get('x-ladder-degraded')).toBe('true');
  });

  it('round-trips a tool: tool_use from an OpenAI target, tool_result back, the final answer', async () => {
    fake.setDefault('anthropic', 'claude-sonnet-4-6', down());
    fake.script(
      'openai',
      'gpt-4o',
      toolCall('lookup_invoice', { invoice: 42 }),
      ok('Invoice 42 is paid.'),
    );
    const messages: MessageParam[] = [{ role: 'user', content: 'Is invoice 42 paid?' }];
    const first = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 256,
      messages,
      tools: [lookupTool],
      tool_choice: { type: 'auto' },
    });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b) => b.type === 'tool_use');
    if (use?.type !== 'tool_use') throw new Error('expected a tool_use block');
    expect(use.name).toBe('lookup_invoice');
    expect(use.input).toEqual({ invoice: 42 });

    messages.push(
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: use.id, content: '{"paid": true}' }],
      },
    );
    const second = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 256,
      messages,
      tools: [lookupTool],
    });
    // No citations field: Anthropic sends it only for a text that cites a document.
    expect(second.content).toEqual([{ type: 'text', text: 'Invoice 42 is paid.' }]);
    expect(second.stop_reason).toBe('end_turn');
    // The OpenAI target saw the call and its result in its own wire format.
    const body = fake.requests('openai', 'gpt-4o')[1]?.body as {
      messages: Array<Record<string, unknown>>;
    };
    expect(body.messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          role: 'assistant',
          tool_calls: [expect.objectContaining({ id: use.id })],
        }),
        expect.objectContaining({ role: 'tool', tool_call_id: use.id, content: '{"paid": true}' }),
      ]),
    );
  });

  it('messages.stream relays the pieces as Anthropic events, and finalMessage has usage', async () => {
    const text = 'The ladder keeps agents working through provider outages and rate limits.';
    fake.script(
      'anthropic',
      'claude-sonnet-4-6',
      streamed(text, { usage: { input_tokens: 15, output_tokens: 12 } }),
    );
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 128,
      messages: [{ role: 'user', content: 'Tell me about the ladder' }],
    });
    const types: string[] = [];
    const pieces: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    stream.on('text', (piece) => pieces.push(piece));
    const message = await stream.finalMessage();
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(1);
    expect(types[0]).toBe('message_start');
    expect(types.slice(1, 3)).toEqual(['content_block_start', 'content_block_delta']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(message.content).toMatchObject([{ type: 'text', text }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ output_tokens: 12 });
  });

  it('streams a tool call from an OpenAI target as a tool_use block with input_json_delta', async () => {
    fake.setDefault('anthropic', 'claude-sonnet-4-6', down());
    fake.script(
      'openai',
      'gpt-4o',
      streamed('Let me look.', {
        toolCall: { name: 'lookup_invoice', arguments: { invoice: 42 } },
      }),
    );
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-6',
      max_tokens: 128,
      messages: [{ role: 'user', content: 'Is invoice 42 paid?' }],
      tools: [lookupTool],
    });
    const jsonPieces: string[] = [];
    stream.on('inputJson', (piece) => jsonPieces.push(piece));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Let me look.' });
    expect(message.content[1]).toMatchObject({
      type: 'tool_use',
      name: 'lookup_invoice',
      input: { invoice: 42 },
    });
    expect(jsonPieces.length).toBeGreaterThan(0);
  });

  it('a failed streamed job still answers with its status before any event: 529', async () => {
    fake.setDefault('anthropic', 'claude-sonnet-4-6', down());
    fake.setDefault('openai', 'gpt-4o', down());
    const error = await caught(() =>
      client.messages
        .stream(
          {
            model: 'claude-sonnet-4-6',
            max_tokens: 16,
            messages: [{ role: 'user', content: 'hi' }],
          },
          { headers: { 'X-Ladder-Floor': 'reduced' } },
        )
        .finalMessage(),
    );
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
  });

  it('the same Idempotency-Key is the same job and the same answer, named on the headers', async () => {
    fake.script('anthropic', 'claude-sonnet-4-6', ok('only once'));
    const ask = () =>
      client.messages
        .create(
          {
            model: 'claude-sonnet-4-6',
            max_tokens: 16,
            messages: [{ role: 'user', content: 'once' }],
          },
          { headers: { 'Idempotency-Key': 'msg-idem-1' } },
        )
        .withResponse();
    const first = await ask();
    // The second finds the job already ended: its record is read, not waited for.
    const second = await ask();
    expect(first.data.id).toBe('msg_msg-idem-1');
    expect(second.data.id).toBe(first.data.id);
    expect(second.data.content).toEqual([{ type: 'text', text: 'only once' }]);
    expect(first.response.headers.get('x-ladder-job-id')).toBe('msg-idem-1');
    expect(second.response.headers.get('x-ladder-job-id')).toBe('msg-idem-1');
    expect(fake.requests('anthropic', 'claude-sonnet-4-6')).toHaveLength(1);
  });
});
