import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cutAfter,
  malformedAfter,
  stallAfter,
  startFakeProvider,
  streamed,
  type FakeProvider,
} from '../helpers/fake-provider/server.js';
import { startRunningLadder, type RunningLadder } from '../openai-compat/running-ladder.js';
import { gate } from './events.js';

let fake: FakeProvider;
let running: RunningLadder | undefined;

beforeAll(async () => {
  fake = await startFakeProvider();
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  fake.reset();
});
afterAll(async () => {
  await fake.close();
});

const TEXT = 'Rivers run to the sea and the sea is never full.';
const MESSAGES = [{ role: 'user' as const, content: 'A proverb, please' }];

/**
 * The fault tests need a short `stream_idle_ms` to see a stall; a test that holds the provider
 * until the client has read a piece passes a long one, since that round trip (worker, Redis, API,
 * client, back to the provider) may take longer than 150 ms on a loaded machine and would then be
 * taken for a stall.
 */
async function start(targets: string[], streamIdleMs = 150): Promise<OpenAI> {
  running = await startRunningLadder(
    fake,
    {},
    {
      levels: [
        { name: 'full', targets },
        { name: 'static', serve: 'static', message: 'Service limited.' },
      ],
      fallback: { max_retries: 0, stream_idle_ms: streamIdleMs },
    },
  );
  return running.client();
}

const contentOf = (chunks: ChatCompletionChunk[]): string =>
  chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

describe('/v1/chat/completions with stream: true', () => {
  it('relays the first piece before the provider has finished, then the rest and usage', async () => {
    const client = await start(['anthropic/claude-a'], 30_000);
    const held = gate();
    fake.script(
      'anthropic',
      'claude-a',
      streamed(TEXT, {
        hold: { afterChunks: 2, until: held.until },
        usage: { input_tokens: 9, output_tokens: 12 },
      }),
    );
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'ladder',
        messages: MESSAGES,
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    const id = response.headers.get('x-ladder-job-id');
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      // The provider sends the rest only once this client has read the first two words.
      if (contentOf(chunks) === 'Rivers run ') held.open();
    }
    expect(contentOf(chunks)).toBe(TEXT);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      model: 'anthropic/claude-a',
      usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 },
    });
    expect((await running!.ladder.ops.get(id!))?.output?.text).toBe(TEXT);
  });

  it.each([
    ['cut', cutAfter(3)],
    ['stall', stallAfter(3)],
    ['malformed', malformedAfter(3)],
  ] as const)(
    'after a %s mid-answer the next target continues the text the client has',
    async (_name, fault) => {
      const client = await start(['anthropic/claude-a', 'anthropic/claude-b']);
      fake.script('anthropic', 'claude-a', streamed(TEXT, { fault }));
      fake.script('anthropic', 'claude-b', streamed('the sea and the sea is never full.'));
      const { data: stream, response } = await client.chat.completions
        .create({ model: 'ladder', messages: MESSAGES, stream: true })
        .withResponse();
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      const record = await running!.ladder.ops.get(response.headers.get('x-ladder-job-id')!);
      expect(record).toMatchObject({ status: 'completed', model: 'claude-b' });
      expect(contentOf(chunks)).toBe(record?.output?.text);
      expect(contentOf(chunks)).toBe(TEXT);
      expect(record?.attempts[0]).toMatchObject({ model: 'claude-a', sent_chars: 14 });
    },
  );

  it('ends with an error chunk naming the job when the next target cannot continue; the same key then returns the answer', async () => {
    const client = await start(['openai/gpt-a', 'openai/gpt-b']);
    fake.script('openai', 'gpt-a', streamed(TEXT, { fault: cutAfter(2) }));
    fake.script('openai', 'gpt-b', streamed('A different answer.'));
    const key = `proverb-${Date.now()}`;
    const request = { model: 'ladder', messages: MESSAGES, stream: true as const };
    const stream = await client.chat.completions.create(request, {
      headers: { 'Idempotency-Key': key },
    });
    const chunks: ChatCompletionChunk[] = [];
    const failure = await (async () => {
      try {
        for await (const chunk of stream) chunks.push(chunk);
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(contentOf(chunks)).toBe('Rivers run ');
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).message).toContain(key);
    await running!.ladder.ops.result(key, { timeoutMs: 10_000 });
    const again = await client.chat.completions.create(request, {
      headers: { 'Idempotency-Key': key },
    });
    const whole: ChatCompletionChunk[] = [];
    for await (const chunk of again) whole.push(chunk);
    expect(contentOf(whole)).toBe('A different answer.');
  });

  it('answers a job that fails before any piece with a real status code', async () => {
    const client = await start(['openai/gpt-a']);
    fake.setDefault('openai', 'gpt-a', { kind: 'status', status: 400, message: 'bad prompt' });
    await expect(
      client.chat.completions.create({ model: 'ladder', messages: MESSAGES, stream: true }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
