import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { down, hang, ok, toolCall, type FakeProvider } from '../helpers/fake-provider/server.js';
import { caught } from '../helpers/caught.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { startRunningLadder, TOKEN, type RunningLadder } from './running-ladder.js';

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
  function: {
    name: 'lookup_invoice',
    description: 'Finds an invoice by number',
    parameters: {
      type: 'object',
      properties: { invoice: { type: 'number' } },
      required: ['invoice'],
    },
  },
};

describe('the official openai SDK against a running llm-ladder', () => {
  it('gets a plain completion, with the served model and usage in OpenAI field names', async () => {
    fake.script(
      'openai',
      'gpt-4o',
      ok('Invoice 42 totals $10.', { input_tokens: 20, output_tokens: 8 }),
    );
    const completion = await client.chat.completions.create({
      model: 'ladder',
      messages: [
        { role: 'system', content: 'You are a billing assistant.' },
        { role: 'user', content: 'Summarise invoice 42' },
      ],
      max_tokens: 64,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe('openai/gpt-4o');
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]?.message).toMatchObject({
      role: 'assistant',
      content: 'Invoice 42 totals $10.',
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({
      prompt_tokens: 20,
      completion_tokens: 8,
      total_tokens: 28,
    });
    // The system message reached the provider as a system prompt, once.
    const sent = JSON.stringify(fake.requests('openai', 'gpt-4o')[0]?.body);
    expect(sent).toContain('You are a billing assistant.');
    // The job behind it is an ordinary job.
    const jobId = completion.id.slice('chatcmpl-'.length);
    const record = (await (
      await fetch(`${running.url}/v1/jobs/${jobId}`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      })
    ).json()) as { status: string };
    expect(record.status).toBe('completed');
  });

  it('round-trips a tool call: the call, the tool result, the final answer', async () => {
    fake.script(
      'openai',
      'gpt-4o',
      toolCall('lookup_invoice', { invoice: 42 }),
      ok('Invoice 42 is paid.'),
    );
    const messages: ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Is invoice 42 paid?' },
    ];
    const first = await client.chat.completions.create({
      model: 'full',
      messages,
      tools: [lookupTool],
      tool_choice: 'auto',
    });
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('lookup_invoice');
    expect(JSON.parse(call.function.arguments)).toEqual({ invoice: 42 });

    messages.push(choice!.message, {
      role: 'tool',
      tool_call_id: call.id,
      content: '{"paid": true}',
    });
    const second = await client.chat.completions.create({
      model: 'full',
      messages,
      tools: [lookupTool],
    });
    expect(second.choices[0]?.message.content).toBe('Invoice 42 is paid.');
    expect(second.choices[0]?.finish_reason).toBe('stop');
    // The provider saw the assistant's call and the tool's result in its own wire format.
    const body = fake.requests('openai', 'gpt-4o')[1]?.body as {
      messages: Array<Record<string, unknown>>;
    };
    expect(body.messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          role: 'assistant',
          tool_calls: [expect.objectContaining({ id: call.id })],
        }),
        expect.objectContaining({ role: 'tool', tool_call_id: call.id, content: '{"paid": true}' }),
      ]),
    );
  });

  it('streams with for await: role, content pieces, finish reason, usage, then [DONE]', async () => {
    const text =
      'The ladder keeps agents working through provider outages, rate limits and budgets. '
        .repeat(3)
        .trim();
    fake.script('openai', 'gpt-4o', ok(text, { input_tokens: 30, output_tokens: 40 }));
    const stream = await client.chat.completions.create({
      model: 'ladder',
      messages: [{ role: 'user', content: 'Tell me about the ladder' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const content = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(content).toBe(text);
    expect(chunks.filter((c) => (c.choices[0]?.delta.content ?? '') !== '').length).toBeGreaterThan(
      1,
    );
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    // Pieces go out before the job knows where it ends; the closing chunks name the served model.
    expect(chunks.at(-1)?.model).toBe('openai/gpt-4o');
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.usage).toMatchObject({
      prompt_tokens: 30,
      completion_tokens: 40,
      total_tokens: 70,
    });
  });

  it('serves through an outage of the level-1 provider that the SDK never notices; headers say so', async () => {
    fake.setDefault('openai', 'gpt-4o', down());
    fake.script('anthropic', 'claude-sonnet-4-6', ok('served one level down'));
    const { data, response } = await client.chat.completions
      .create({ model: 'ladder', messages: [{ role: 'user', content: 'hello during an outage' }] })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data.choices[0]?.message.content).toBe('served one level down');
    expect(data.model).toBe('anthropic/claude-sonnet-4-6');
    expect(response.headers.get('x-ladder-level')).toBe('2');
    expect(response.headers.get('x-ladder-source')).toBe('llm');
    expect(response.headers.get('x-ladder-degraded')).toBe('true');
    expect(response.headers.get('x-ladder-job-id')).toBe(data.id.slice('chatcmpl-'.length));
  });

  it('surfaces a floor that cannot be met as the SDK 503 error, the job still readable', async () => {
    fake.setDefault('openai', '*', down());
    fake.setDefault('anthropic', '*', down());
    const error = await caught(() =>
      client.chat.completions.create(
        { model: 'ladder', messages: [{ role: 'user', content: 'no one is up' }] },
        { headers: { 'X-Ladder-Floor': 'reduced' } },
      ),
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(503);
    expect(apiError.code).toBe('ladder_exhausted');
    expect(apiError.message).toContain('GET /v1/jobs/');
    const jobId = apiError.headers?.get('x-ladder-job-id');
    expect(jobId).toBeTruthy();
    const record = (await (
      await fetch(`${running.url}/v1/jobs/${jobId}`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      })
    ).json()) as { status: string; level: number };
    expect(record).toMatchObject({ status: 'failed', level: 2 });
  });

  it('answers 504 when the deadline passes, naming where the job can still be read', async () => {
    fake.setDefault('openai', 'gpt-4o', hang());
    const error = await caught(() =>
      client.chat.completions.create(
        { model: 'full', messages: [{ role: 'user', content: 'slow' }] },
        { headers: { 'X-Ladder-Deadline-Ms': '300', 'X-Ladder-Floor': 'full' } },
      ),
    );
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect((error as Error).message).toContain('GET /v1/jobs/');
  });

  it('refuses n: 2 as the SDK 400 error naming n', async () => {
    const error = await caught(() =>
      client.chat.completions.create({
        model: 'ladder',
        n: 2,
        messages: [{ role: 'user', content: 'two please' }],
      }),
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'n', type: 'invalid_request_error' });
    expect(fake.requests()).toHaveLength(0);
  });

  it('refuses an unknown model with model_not_found', async () => {
    const error = await caught(() =>
      client.chat.completions.create({
        model: 'gpt-5-turbo-max',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'model', code: 'model_not_found' });
  });

  it('raises AuthenticationError without a valid token', async () => {
    const error = await caught(() =>
      running
        .client('not-a-ladder-token')
        .chat.completions.create({ model: 'ladder', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, type: 'authentication_error' });
    const models = await caught(() => running.client('not-a-ladder-token').models.list());
    expect(models).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('lists the ladder, its levels, the complexities and every target with models.list()', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) {
      expect(model).toMatchObject({ object: 'model', owned_by: 'llm-ladder' });
      ids.push(model.id);
    }
    expect(ids).toEqual([
      'ladder',
      'full',
      'reduced',
      'cached',
      'static',
      'simple',
      'standard',
      'complex',
      'openai/gpt-4o',
      'anthropic/claude-sonnet-4-6',
      'openai/gpt-4o-mini',
    ]);
    expect((await client.models.retrieve('openai/gpt-4o-mini')).id).toBe('openai/gpt-4o-mini');
  });

  it('enters at the first level holding a named target and tries that target first there', async () => {
    fake.script('openai', 'gpt-4o-mini', ok('mini answered'));
    const { data, response } = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'prefer mini' }] })
      .withResponse();
    expect(data.model).toBe('openai/gpt-4o-mini');
    expect(response.headers.get('x-ladder-level')).toBe('2');
    expect(response.headers.get('x-ladder-degraded')).toBe('false');
    expect(fake.calls('anthropic', 'claude-sonnet-4-6')).toBe(0);
  });

  it('uses Idempotency-Key as the job id: a retried request is the same job and the same answer', async () => {
    fake.script('openai', 'gpt-4o', ok('only once'));
    const request = { model: 'ladder', messages: [{ role: 'user' as const, content: 'once' }] };
    const options = {
      headers: { 'Idempotency-Key': 'agent-7-turn-3', 'X-Ladder-Agent': 'billing-bot' },
    };
    const first = await client.chat.completions.create(request, options);
    const again = await client.chat.completions.create(request, options);
    expect(first.id).toBe('chatcmpl-agent-7-turn-3');
    expect(again.choices[0]?.message.content).toBe('only once');
    expect(fake.calls('openai', 'gpt-4o')).toBe(1);
    const record = (await (
      await fetch(`${running.url}/v1/jobs/agent-7-turn-3`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      })
    ).json()) as { metadata?: Record<string, unknown> };
    expect(record.metadata).toMatchObject({ agent: 'billing-bot' });
  });

  it('answers 429 rate_limit_error with Retry-After when the entry queue is deeper than api.max_queue_depth', async () => {
    await running.close();
    running = await startRunningLadder(
      fake,
      { max_queue_depth: 1 },
      { worker: { concurrency: 1 } },
    );
    client = running.client();
    fake.setDefault('openai', 'gpt-4o', hang());
    const slow = { headers: { 'X-Ladder-Deadline-Ms': '1500', 'X-Ladder-Floor': 'full' } };
    const ask = (content: string): Promise<unknown> =>
      client.chat.completions
        .create({ model: 'full', messages: [{ role: 'user', content }] }, slow)
        .catch((error: unknown) => error);
    const active = ask('first takes the only worker');
    await expect.poll(() => fake.calls('openai', 'gpt-4o')).toBe(1);
    const waiting = ask('second waits in the queue');
    // Past the producer's 250 ms depth cache, so the next enqueue sees the waiting job.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const error = await caught(() =>
      client.chat.completions.create({
        model: 'full',
        messages: [{ role: 'user', content: 'third' }],
      }),
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'queue_full' });
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('1');
    fake.reset();
    await Promise.all([active, waiting]);
  });
});
