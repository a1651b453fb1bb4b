import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  down,
  ok,
  streamed,
  toolCall,
  type FakeProvider,
} from '../helpers/fake-provider/server.js';
import { withFakeProvider } from '../helpers/fake-provider/for-file.js';
import { startRunningLadder, TOKEN, type RunningLadder } from '../openai-compat/running-ladder.js';

/** Claude first, an OpenAI model when Claude is out, then static: either SDK may point at it. */
const LEVELS = [
  { name: 'full', targets: ['anthropic/claude-sonnet-4-6'] },
  { name: 'reduced', targets: ['openai/gpt-4o'] },
  { name: 'static', serve: 'static', message: 'Service temporarily limited' },
];

let fake: FakeProvider;
let running: RunningLadder;

withFakeProvider((f) => (fake = f));
beforeEach(async () => {
  running = await startRunningLadder(fake, {}, { levels: LEVELS });
});
afterEach(async () => {
  await running.close();
  fake.reset();
});

/** The two lines an agent changes: the provider's base URL and key. */
const openai = () => createOpenAI({ baseURL: `${running.url}/v1`, apiKey: TOKEN });
const anthropic = () => createAnthropic({ baseURL: `${running.url}/v1`, apiKey: TOKEN });

const lookupInvoice = tool({
  description: 'Finds an invoice by number',
  inputSchema: z.object({ invoice: z.number() }),
  execute: ({ invoice }) => Promise.resolve({ invoice, paid: true }),
});

describe('the Vercel AI SDK against a running llm-ladder', () => {
  it('openai(model) posts to /v1/responses: generateText', async () => {
    fake.script(
      'anthropic',
      'claude-sonnet-4-6',
      ok('Invoice 42 totals $10.', { input_tokens: 20, output_tokens: 8 }),
    );
    const result = await generateText({
      model: openai()('ladder'),
      system: 'You are a billing assistant.',
      prompt: 'Summarise invoice 42',
      maxRetries: 0,
    });
    expect(result.text).toBe('Invoice 42 totals $10.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({ inputTokens: 20, outputTokens: 8 });
    expect(result.response.modelId).toBe('anthropic/claude-sonnet-4-6');
    expect(result.response.headers?.['x-ladder-level']).toBe('1');
  });

  it('openai(model): streamText relays the pieces, served by the OpenAI target in an outage', async () => {
    const text = 'The ladder keeps agents working through provider outages.';
    fake.setDefault('anthropic', 'claude-sonnet-4-6', down());
    fake.script(
      'openai',
      'gpt-4o',
      streamed(text, { usage: { input_tokens: 9, output_tokens: 10 } }),
    );
    const result = streamText({
      model: openai()('ladder'),
      prompt: 'Tell me about the ladder',
      maxRetries: 0,
    });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(1);
    expect(await result.finishReason).toBe('stop');
    expect(await result.usage).toMatchObject({ inputTokens: 9, outputTokens: 10 });
    // The SDK reads the model from response.created, sent before the ladder knows who serves.
    expect((await result.response).modelId).toBe('ladder');
    expect(fake.requests('openai', 'gpt-4o')).toHaveLength(1);
  });

  it('openai(model): a tool loop with store on (the default: earlier items sent by reference)', async () => {
    fake.script(
      'anthropic',
      'claude-sonnet-4-6',
      {
        kind: 'tool_call',
        name: 'lookupInvoice',
        arguments: { invoice: 42 },
        text: 'Let me look.',
      },
      ok('Invoice 42 is paid.'),
    );
    const sent: string[] = [];
    const recording = createOpenAI({
      baseURL: `${running.url}/v1`,
      apiKey: TOKEN,
      fetch: (url, init) => {
        if (typeof init?.body === 'string') sent.push(init.body);
        return fetch(url, init);
      },
    });
    const result = await generateText({
      model: recording('ladder'),
      prompt: 'Is invoice 42 paid?',
      tools: { lookupInvoice },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    // The text of the first step went back as a reference to its message item.
    expect(sent[1]).toContain('"item_reference"');
    expect(result.text).toBe('Invoice 42 is paid.');
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolResults[0]?.output).toEqual({ invoice: 42, paid: true });
    const second = fake.requests('anthropic', 'claude-sonnet-4-6')[1]?.body as {
      messages: Array<{ role: string; content: unknown }>;
    };
    expect(JSON.stringify(second.messages)).toContain('Let me look.');
    expect(JSON.stringify(second.messages)).toContain('lookupInvoice');
  });

  it('openai(model): a streamed tool loop with store: false (the items themselves)', async () => {
    fake.script(
      'anthropic',
      'claude-sonnet-4-6',
      streamed('', { toolCall: { name: 'lookupInvoice', arguments: { invoice: 42 } } }),
      streamed('Invoice 42 is paid.'),
    );
    const result = streamText({
      model: openai()('ladder'),
      prompt: 'Is invoice 42 paid?',
      tools: { lookupInvoice },
      stopWhen: stepCountIs(3),
      providerOptions: { openai: { store: false } },
      maxRetries: 0,
    });
    expect(await result.text).toBe('Invoice 42 is paid.');
    expect(await result.steps).toHaveLength(2);
  });

  it('@ai-sdk/anthropic: generateText and a tool loop through /v1/messages', async () => {
    fake.script(
      'anthropic',
      'claude-sonnet-4-6',
      toolCall('lookupInvoice', { invoice: 42 }),
      ok('Invoice 42 is paid.', { input_tokens: 30, output_tokens: 6 }),
    );
    const result = await generateText({
      model: anthropic()('claude-sonnet-4-6'),
      prompt: 'Is invoice 42 paid?',
      tools: { lookupInvoice },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    expect(result.text).toBe('Invoice 42 is paid.');
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.finishReason).toBe('tool-calls');
    expect(result.usage).toMatchObject({ outputTokens: expect.any(Number) as number });
  });

  it('@ai-sdk/anthropic: streamText, served by the OpenAI target during a Claude outage', async () => {
    const text = 'Served by the next level, in Anthropic events.';
    fake.setDefault('anthropic', 'claude-sonnet-4-6', down());
    fake.script('openai', 'gpt-4o', streamed(text));
    const result = streamText({
      model: anthropic()('claude-sonnet-4-6'),
      prompt: 'hello during an outage',
      maxRetries: 0,
    });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    expect(pieces.join('')).toBe(text);
    expect(await result.finishReason).toBe('stop');
  });
});
