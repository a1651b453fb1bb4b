import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterEach, describe, expect, it } from 'vitest';
import { cutAfter, down, streamed, type FakeProvider } from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { startRunningLadder, type RunningLadder } from '../openai-compat/running-ladder.js';

let fake: FakeProvider;
let running: RunningLadder | undefined;

withFakeProvider((f) => (fake = f));
afterEach(async () => {
  await running?.close();
  running = undefined;
  fake.reset();
});

const TEXT = 'Rivers run to the sea and the sea is never full.';

async function start(targets: string[]): Promise<OpenAI> {
  running = await startRunningLadder(
    fake,
    {},
    {
      levels: [
        { name: 'full', targets },
        { name: 'static', serve: 'static', message: 'Service limited.' },
      ],
      fallback: { max_retries: 0, stream_idle_ms: 150 },
    },
  );
  return running.client();
}

const lookupTool = {
  type: 'function' as const,
  name: 'lookup_invoice',
  parameters: { type: 'object', properties: { invoice: { type: 'number' } } },
  strict: false,
};

describe('/v1/responses with stream: true', () => {
  it('responses.stream relays the pieces in the Responses event sequence', async () => {
    const client = await start(['anthropic/claude-a']);
    fake.script(
      'anthropic',
      'claude-a',
      streamed(TEXT, { usage: { input_tokens: 9, output_tokens: 12 } }),
    );
    const stream = client.responses.stream({ model: 'ladder', input: 'A proverb, please' });
    const events: ResponseStreamEvent[] = [];
    const pieces: string[] = [];
    stream.on('event', (event) => events.push(event));
    stream.on('response.output_text.delta', (event) => pieces.push(event.delta));
    const response = await stream.finalResponse();

    expect(pieces.join('')).toBe(TEXT);
    expect(pieces.length).toBeGreaterThan(1);
    const types = [...new Set(events.map((e) => e.type))];
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_e, i) => i));
    expect(response).toMatchObject({
      status: 'completed',
      model: 'anthropic/claude-a',
      output_text: TEXT,
      usage: { input_tokens: 9, output_tokens: 12, total_tokens: 21 },
    });
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'completed' });
  });

  it('streams a function call as function_call_arguments deltas after the text', async () => {
    const client = await start(['openai/gpt-a']);
    fake.script(
      'openai',
      'gpt-a',
      streamed('Let me look.', {
        toolCall: { name: 'lookup_invoice', arguments: { invoice: 42 } },
      }),
    );
    const stream = client.responses.stream({
      model: 'ladder',
      input: 'Is invoice 42 paid?',
      tools: [lookupTool],
    });
    const argumentPieces: string[] = [];
    const done: string[] = [];
    stream.on('response.function_call_arguments.delta', (e) => argumentPieces.push(e.delta));
    stream.on('response.function_call_arguments.done', (e) => done.push(e.arguments));
    const response = await stream.finalResponse();
    expect(argumentPieces.length).toBeGreaterThan(0);
    expect(done).toEqual([argumentPieces.join('')]);
    expect(response.output_text).toBe('Let me look.');
    const call = response.output[1];
    if (call?.type !== 'function_call') throw new Error('expected a function_call item');
    expect(call).toMatchObject({ name: 'lookup_invoice', status: 'completed' });
    expect(JSON.parse(call.arguments)).toEqual({ invoice: 42 });
    expect(response.output.map((item) => item.id)).toEqual([
      expect.stringMatching(/^msg_/) as unknown,
      expect.stringMatching(/^fc_/) as unknown,
    ]);
  });

  it('after a cut mid-answer the next target continues the text the client has', async () => {
    const client = await start(['anthropic/claude-a', 'anthropic/claude-b']);
    fake.script('anthropic', 'claude-a', streamed(TEXT, { fault: cutAfter(3) }));
    fake.script('anthropic', 'claude-b', streamed('the sea and the sea is never full.'));
    const { data: stream, response: http } = await client.responses
      .create({ model: 'ladder', input: 'A proverb, please', stream: true })
      .withResponse();
    let text = '';
    let last: ResponseStreamEvent | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      last = event;
    }
    const record = await running!.ladder.ops.get(http.headers.get('x-ladder-job-id')!);
    expect(record).toMatchObject({ status: 'completed', model: 'claude-b' });
    expect(text).toBe(TEXT);
    expect(last).toMatchObject({
      type: 'response.completed',
      response: { model: 'anthropic/claude-b', status: 'completed' },
    });
  });

  it('ends with response.failed naming the job when the next target cannot continue; the same key then returns the answer', async () => {
    const client = await start(['openai/gpt-a', 'openai/gpt-b']);
    fake.script('openai', 'gpt-a', streamed(TEXT, { fault: cutAfter(2) }));
    fake.script('openai', 'gpt-b', streamed('A different answer.'));
    const key = `proverb-${Date.now()}`;
    const stream = await client.responses.create(
      { model: 'ladder', input: 'A proverb, please', stream: true },
      { headers: { 'Idempotency-Key': key } },
    );
    let text = '';
    let last: ResponseStreamEvent | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      last = event;
    }
    expect(text).toBe('Rivers run ');
    if (last?.type !== 'response.failed') throw new Error(`ended with ${last?.type}`);
    expect(last.response.status).toBe('failed');
    expect(last.response.error?.message).toContain(key);
    await running!.ladder.ops.result(key, { timeoutMs: 10_000 });
    const again = await client.responses.create(
      { model: 'ladder', input: 'A proverb, please' },
      { headers: { 'Idempotency-Key': key } },
    );
    expect(again.output_text).toBe('A different answer.');
  });

  it('answers a job that fails before any piece with a real status code', async () => {
    const client = await start(['openai/gpt-a']);
    fake.setDefault('openai', 'gpt-a', down());
    await expect(
      client.responses.create(
        { model: 'ladder', input: 'hi', stream: true },
        { headers: { 'X-Ladder-Floor': 'full' } },
      ),
    ).rejects.toMatchObject({ status: 503 });
  });
});
