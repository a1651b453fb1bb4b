import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { caught } from '../helpers/caught.js';
import {
  down,
  ok,
  structured,
  toolCall,
  type FakeProvider,
} from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { startRunningLadder, type RunningLadder } from '../openai-compat/running-ladder.js';

let fake: FakeProvider;
let running: RunningLadder;
let client: OpenAI;

withFakeProvider((f) => (fake = f));
beforeEach(async () => {
  running = await startRunningLadder(fake);
  client = running.client();
});
afterEach(async () => {
  await running.close();
  fake.reset();
});

const lookupTool = {
  type: 'function' as const,
  name: 'lookup_invoice',
  description: 'Finds an invoice by number',
  parameters: {
    type: 'object',
    properties: { invoice: { type: 'number' } },
    required: ['invoice'],
  },
  strict: false,
};

type Sent = { messages: Array<Record<string, unknown>>; [key: string]: unknown };

describe("the openai SDK's Responses API against a running llm-ladder", () => {
  it('responses.create: output items, output_text, usage and the ladder headers', async () => {
    fake.script(
      'openai',
      'gpt-4o',
      ok('Invoice 42 totals $10.', { input_tokens: 20, output_tokens: 8 }),
    );
    const { data: response, response: http } = await client.responses
      .create({
        model: 'ladder',
        instructions: 'You are a billing assistant.',
        input: 'Summarise invoice 42',
        max_output_tokens: 64,
        temperature: 0.2,
        metadata: { team: 'billing' },
        store: false,
      })
      .withResponse();
    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'openai/gpt-4o',
      error: null,
      incomplete_details: null,
      instructions: 'You are a billing assistant.',
      max_output_tokens: 64,
      output: [
        {
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Invoice 42 totals $10.', annotations: [] }],
        },
      ],
      usage: { input_tokens: 20, output_tokens: 8, total_tokens: 28 },
    });
    expect(response.id).toMatch(/^resp_/);
    expect(response.output[0]?.id).toMatch(/^msg_/);
    expect(response.output_text).toBe('Invoice 42 totals $10.');
    expect(http.headers.get('x-ladder-level')).toBe('1');
    expect(http.headers.get('x-ladder-degraded')).toBe('false');
    expect(response.id).toBe(`resp_${http.headers.get('x-ladder-job-id') ?? ''}`);
    const sent = fake.requests('openai', 'gpt-4o')[0]?.body as Sent;
    expect(sent.messages).toEqual([
      { role: 'system', content: 'You are a billing assistant.' },
      { role: 'user', content: 'Summarise invoice 42' },
    ]);
    expect(sent.temperature).toBe(0.2);
    const job = await running.ladder.ops.get(http.headers.get('x-ladder-job-id') ?? '');
    expect(job?.metadata).toMatchObject({ team: 'billing' });
  });

  it('is served by the next level during an outage, and says so in the headers', async () => {
    fake.setDefault('openai', 'gpt-4o', down());
    fake.script('anthropic', 'claude-sonnet-4-6', ok('served by Claude', null));
    const { data: response, response: http } = await client.responses
      .create({
        model: 'ladder',
        input: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'input_text', text: 'hello during an outage' }] },
        ],
      })
      .withResponse();
    expect(response.model).toBe('anthropic/claude-sonnet-4-6');
    expect(response.output_text).toBe('served by Claude');
    expect(http.headers.get('x-ladder-level')).toBe('2');
    expect(http.headers.get('x-ladder-degraded')).toBe('true');
    const sent = fake.requests('anthropic', 'claude-sonnet-4-6')[0]?.body as Sent;
    expect(JSON.stringify(sent.system)).toContain('Be brief.');
  });

  it('round-trips a function call: function_call item out, function_call_output back', async () => {
    fake.script(
      'openai',
      'gpt-4o',
      toolCall('lookup_invoice', { invoice: 42 }),
      ok('Invoice 42 is paid.'),
    );
    const input: ResponseInputItem[] = [{ role: 'user', content: 'Is invoice 42 paid?' }];
    const first = await client.responses.create({
      model: 'ladder',
      input,
      tools: [lookupTool],
      tool_choice: 'auto',
    });
    expect(first.status).toBe('completed');
    const call = first.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error('expected a function_call item');
    expect(call).toMatchObject({ name: 'lookup_invoice', status: 'completed' });
    expect(call.id).toMatch(/^fc_/);
    expect(JSON.parse(call.arguments)).toEqual({ invoice: 42 });

    // The agent sends back the output items it got, then the function's output.
    input.push(...(first.output as ResponseInputItem[]), {
      type: 'function_call_output',
      call_id: call.call_id,
      output: '{"paid": true}',
    });
    const second = await client.responses.create({ model: 'ladder', input, tools: [lookupTool] });
    expect(second.output_text).toBe('Invoice 42 is paid.');
    const body = fake.requests('openai', 'gpt-4o')[1]?.body as Sent;
    expect(body.messages).toEqual([
      { role: 'user', content: 'Is invoice 42 paid?' },
      expect.objectContaining({
        role: 'assistant',
        tool_calls: [
          expect.objectContaining({
            id: call.call_id,
            function: expect.objectContaining({ name: 'lookup_invoice' }) as unknown,
          }),
        ],
      }),
      { role: 'tool', tool_call_id: call.call_id, content: '{"paid": true}' },
    ]);
  });

  it('an item_reference to an earlier answer is read back from its job record', async () => {
    fake.script(
      'openai',
      'gpt-4o',
      toolCall('lookup_invoice', { invoice: 42 }),
      ok('Invoice 42 is paid.'),
    );
    const first = await client.responses.create({
      model: 'ladder',
      input: 'Is invoice 42 paid?',
      tools: [lookupTool],
    });
    const call = first.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error('expected a function_call item');
    // What the Vercel AI SDK sends with store on: the call by reference, its output in full.
    const second = await client.responses.create({
      model: 'ladder',
      input: [
        { role: 'user', content: 'Is invoice 42 paid?' },
        { type: 'item_reference', id: call.id ?? 'the call has an id' },
        { type: 'function_call_output', call_id: call.call_id, output: '{"paid": true}' },
      ],
      tools: [lookupTool],
    });
    expect(second.output_text).toBe('Invoice 42 is paid.');
    const body = fake.requests('openai', 'gpt-4o')[1]?.body as Sent;
    expect(body.messages[1]).toMatchObject({
      role: 'assistant',
      tool_calls: [{ id: call.call_id, function: { name: 'lookup_invoice' } }],
    });
  });

  it('text.format json_schema is the job structured output: responses.parse gets output_parsed', async () => {
    const Invoice = z.object({ number: z.number().int(), customer: z.string(), paid: z.boolean() });
    // Level 1 answers off-schema: the answer checked by the ladder comes from level 2.
    fake.script('openai', 'gpt-4o', structured('off_schema'));
    fake.script('anthropic', 'claude-sonnet-4-6', structured('valid'));
    const response = await client.responses.parse({
      model: 'ladder',
      input: 'Invoice 42 for ACME, paid.',
      text: { format: zodTextFormat(Invoice, 'invoice') },
    });
    expect(Invoice.safeParse(response.output_parsed).success).toBe(true);
    const sent = fake.requests('openai', 'gpt-4o')[0]?.body as Sent;
    expect(sent.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'invoice', strict: true },
    });
  });

  it('text.format json_object asks for a JSON object', async () => {
    fake.script('openai', 'gpt-4o', ok('{"ok": true}'));
    const response = await client.responses.create({
      model: 'ladder',
      input: 'Answer in JSON',
      text: { format: { type: 'json_object' } },
    });
    expect(JSON.parse(response.output_text)).toEqual({ ok: true });
    const sent = fake.requests('openai', 'gpt-4o')[0]?.body as Sent;
    expect(sent.response_format).toEqual({ type: 'json_object' });
  });

  it('a length stop is an incomplete response with incomplete_details', async () => {
    fake.script('openai', 'gpt-4o', { kind: 'text', text: 'Invoice 42 tot', stop: 'max_tokens' });
    const response = await client.responses.create({
      model: 'ladder',
      input: 'Summarise invoice 42',
      max_output_tokens: 4,
    });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.output_text).toBe('Invoice 42 tot');
  });

  it('responses.inputTokens.count estimates the input without enqueueing anything', async () => {
    const counted = await client.responses.inputTokens.count({
      model: 'ladder',
      instructions: 'You are a billing assistant.',
      input: [{ role: 'user', content: 'Summarise invoice 42 for me, please.' }],
      tools: [lookupTool],
    });
    expect(counted.object).toBe('response.input_tokens');
    expect(counted.input_tokens).toBeGreaterThan(10);
    expect(fake.requests()).toHaveLength(0);
    const unknown = await caught(() =>
      client.responses.inputTokens.count({ model: 'gpt-nonexistent', input: 'hi' }),
    );
    expect(unknown).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('the same Idempotency-Key is the same job and the same answer', async () => {
    fake.script('openai', 'gpt-4o', ok('only once'));
    const ask = () =>
      client.responses.create(
        { model: 'ladder', input: 'once please' },
        { headers: { 'Idempotency-Key': 'resp-idem-1' } },
      );
    const first = await ask();
    const second = await ask();
    expect(first.id).toBe('resp_resp-idem-1');
    expect(second.id).toBe(first.id);
    expect(second.output_text).toBe('only once');
    expect(fake.requests('openai', 'gpt-4o')).toHaveLength(1);
  });
});

describe('bad input on /v1/responses: 400 naming the field, before any job', () => {
  const refused = async (
    body: Record<string, unknown>,
  ): Promise<InstanceType<typeof OpenAI.BadRequestError>> => {
    const error = await caught(() =>
      client.responses.create({ model: 'ladder', input: 'hi', ...body } as never),
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    return error as InstanceType<typeof OpenAI.BadRequestError>;
  };

  it.each([
    [{ previous_response_id: 'resp_1' }, 'previous_response_id', 'no conversation state'],
    [{ tools: [{ type: 'web_search' }] }, 'tools[0]', 'built-in tool "web_search"'],
    [
      {
        input: [
          {
            role: 'user',
            content: [{ type: 'input_image', image_url: 'https://example.com/x.png' }],
          },
        ],
      },
      'input[0].content[0]',
      'input_image parts are not supported',
    ],
    [
      { input: [{ type: 'input_file', file_id: 'f' }] },
      'input[0]',
      'input items of type "input_file"',
    ],
    [{ input: [{ type: 'reasoning', id: 'rs_1', summary: [] }] }, 'input[0]', 'reasoning items'],
    [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].id', 'store = false'],
    [
      { input: [{ type: 'item_reference', id: 'fc_no-such-job_0' }] },
      'input[0].id',
      'names no answer this ladder still keeps',
    ],
    [{ n: 2 }, 'n', 'only n = 1'],
    [{ model: 'gpt-nonexistent' }, 'model', 'gpt-nonexistent'],
    [{ max_output_tokens: 0 }, 'max_output_tokens', 'max_output_tokens'],
    [
      { text: { format: { type: 'json_schema', name: 'bad name!', schema: { type: 'object' } } } },
      'text.format.name',
      'name',
    ],
    [
      {
        input: [{ type: 'function_call', call_id: 'c1', name: 'f', arguments: '{not json' }],
      },
      'input[0].arguments',
      'not valid JSON',
    ],
  ])('refuses %j', async (body, param, words) => {
    const error = await refused(body);
    expect(error.param).toBe(param);
    expect(error.message).toContain(words);
    expect(error.error).toMatchObject({ type: 'invalid_request_error' });
    expect(fake.requests()).toHaveLength(0);
  });

  it('answers 404 for a stored response, in OpenAI shape', async () => {
    const error = await caught(() => client.responses.retrieve('resp_anything'));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as Error).message).toContain('stores no responses');
  });
});
