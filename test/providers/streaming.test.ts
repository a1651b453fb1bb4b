import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicProvider } from '../../src/providers/anthropic/adapter.js';
import type { Completion, Provider } from '../../src/providers/contract.js';
import { GoogleProvider } from '../../src/providers/google/adapter.js';
import { OpenAIProvider } from '../../src/providers/openai/adapter.js';
import { isProviderError, type ProviderError } from '../../src/providers/provider-error.js';
import type { StreamDelta } from '../../src/providers/streaming/types.js';
import {
  cutAfter,
  malformedAfter,
  stallAfter,
  startFakeProvider,
  status,
  streamed,
  type FakeProvider,
  type FakeProviderName,
} from '../helpers/fake-provider/server.js';
import { fakeSettings, HELLO, TEST_API_KEY } from './harness.js';

const MODEL = 'stream-test';
const TEXT = 'One two three four five six.';
let fake: FakeProvider;
const providers = {} as Record<FakeProviderName, Provider>;

beforeAll(async () => {
  fake = await startFakeProvider();
  providers.anthropic = new AnthropicProvider({ settings: fakeSettings(fake.baseUrls.anthropic) });
  providers.openai = new OpenAIProvider({ settings: fakeSettings(fake.baseUrls.openai) });
  providers.google = new GoogleProvider({ settings: fakeSettings(fake.baseUrls.google) });
});
afterEach(() => fake.reset());
afterAll(async () => fake.close());

interface Run {
  deltas: StreamDelta[];
  completion?: Completion;
  error?: ProviderError;
}

async function run(name: FakeProviderName, idleMs = 5_000): Promise<Run> {
  const deltas: StreamDelta[] = [];
  const provider = providers[name];
  if (!provider.stream) throw new Error(`${name} has no stream()`);
  try {
    const completion = await provider.stream({
      model: MODEL,
      request: HELLO,
      timeoutMs: 5_000,
      idleMs,
      onDelta: (d) => deltas.push(d),
    });
    return { deltas, completion };
  } catch (error) {
    if (!isProviderError(error)) throw error;
    expect(error.message).not.toContain(TEST_API_KEY);
    return { deltas, error };
  }
}

const textOf = (deltas: StreamDelta[]): string =>
  deltas.map((d) => (d.kind === 'text' ? d.text : '')).join('');

describe.each(['anthropic', 'openai', 'google'] as const)('%s streaming adapter', (name) => {
  it('hands each chunk on as it arrives; the completion is what the deltas add up to', async () => {
    fake.script(name, MODEL, streamed(TEXT, { chunkDelayMs: 5 }));
    const { deltas, completion } = await run(name);
    expect(deltas.length).toBe(6);
    expect(textOf(deltas)).toBe(TEXT);
    expect(completion?.output).toMatchObject({
      text: TEXT,
      tool_calls: [],
      stop_reason: 'end_turn',
    });
    expect(completion?.usage).toEqual({ input_tokens: 12, output_tokens: 7 });
    const sent = fake.requests(name, MODEL)[0];
    if (name === 'openai') {
      expect(sent?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    }
  });

  it('streams a tool call whose argument pieces join to its arguments', async () => {
    const args = { city: 'Paris', days: 3 };
    fake.script(
      name,
      MODEL,
      streamed('Checking.', { toolCall: { name: 'weather', arguments: args, id: 'call_1' } }),
    );
    const { deltas, completion } = await run(name);
    const pieces = deltas.filter((d) => d.kind === 'tool_call');
    expect(pieces.length).toBeGreaterThan(0);
    const json = pieces.map((d) => (d.kind === 'tool_call' ? d.arguments : '')).join('');
    expect(JSON.parse(json)).toEqual(args);
    const calls = completion?.output.tool_calls ?? [];
    expect(calls.map((c) => [c.name, c.arguments, c.id !== ''])).toEqual([['weather', args, true]]);
    expect(completion?.output.stop_reason).toBe('tool_use');
  });

  it('ends a stream cut after 2 chunks as a transient connection failure', async () => {
    fake.script(name, MODEL, streamed(TEXT, { fault: cutAfter(2) }));
    const { deltas, error } = await run(name);
    expect(textOf(deltas)).toBe('One two ');
    expect(error).toMatchObject({ errorClass: 'transient', kind: 'connection' });
  });

  it('ends a stream stalled after 2 chunks as a transient timeout once idle_ms passes', async () => {
    fake.script(name, MODEL, streamed(TEXT, { fault: stallAfter(2) }));
    const { deltas, error } = await run(name, 150);
    expect(textOf(deltas)).toBe('One two ');
    expect(error).toMatchObject({ errorClass: 'transient', kind: 'timeout' });
    expect(error?.message).toMatch(/stalled/);
  });

  it('ends a stream with a malformed event as a transient malformed failure', async () => {
    fake.script(name, MODEL, streamed(TEXT, { fault: malformedAfter(3) }));
    const { deltas, error } = await run(name);
    expect(textOf(deltas)).toBe('One two three ');
    expect(error).toMatchObject({ errorClass: 'transient' });
    expect(['malformed', 'connection']).toContain(error?.kind);
  });

  it('fails before any delta on an error status, classified as for complete()', async () => {
    fake.script(name, MODEL, status(503));
    const { deltas, error } = await run(name);
    expect(deltas).toEqual([]);
    expect(error).toMatchObject({ errorClass: 'transient', status: 503 });
  });
});
