import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SimulatedSettings } from '../../config/types.js';
import { isProviderError, type ProviderError } from '../provider-error.js';
import { ALL_MODELS, SimulatedProvider } from './adapter.js';

const request = { messages: [{ role: 'user' as const, content: 'Summarise invoice 42' }] };
const settings = (overrides: Partial<SimulatedSettings> = {}): SimulatedSettings => ({
  latencyMs: 0,
  failureRate: 0,
  failStatus: 503,
  chunkDelayMs: 0,
  ...overrides,
});

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isProviderError(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SimulatedProvider', () => {
  it('answers deterministically with usage estimated from characters', async () => {
    const provider = new SimulatedProvider({ settings: settings() });
    const a = await provider.complete({ model: 'fast', request, timeoutMs: 1_000 });
    const b = await provider.complete({ model: 'fast', request, timeoutMs: 1_000 });
    expect(a).toEqual(b);
    expect(a.output).toMatchObject({ stop_reason: 'end_turn', tool_calls: [] });
    expect(a.output.text).toContain('Summarise invoice 42');
    expect(a.usage).toEqual({
      input_tokens: 5,
      output_tokens: Math.ceil(a.output.text.length / 4),
    });
  });

  it('does not start a timer at zero latency', async () => {
    vi.useFakeTimers();
    const provider = new SimulatedProvider({ settings: settings() });
    await provider.complete({ model: 'm', request, timeoutMs: 1_000 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits its latency', async () => {
    vi.useFakeTimers();
    const provider = new SimulatedProvider({ settings: settings({ latencyMs: 200 }) });
    let done = false;
    const call = provider
      .complete({ model: 'm', request, timeoutMs: 1_000 })
      .then(() => (done = true));
    await vi.advanceTimersByTimeAsync(199);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await call;
    expect(done).toBe(true);
  });

  it('times out when its latency exceeds the call timeout', async () => {
    vi.useFakeTimers();
    const provider = new SimulatedProvider({ settings: settings({ latencyMs: 5_000 }) });
    const pending = failureOf(provider.complete({ model: 'm', request, timeoutMs: 300 }));
    await vi.advanceTimersByTimeAsync(300);
    expect(await pending).toMatchObject({ kind: 'timeout', errorClass: 'transient' });
  });

  it("stops at the caller's abort", async () => {
    const provider = new SimulatedProvider({ settings: settings({ latencyMs: 5_000 }) });
    const controller = new AbortController();
    const pending = failureOf(
      provider.complete({ model: 'm', request, timeoutMs: 10_000, signal: controller.signal }),
    );
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'aborted' });
    const before = new AbortController();
    before.abort();
    const instant = new SimulatedProvider({ settings: settings() });
    expect(
      await failureOf(
        instant.complete({ model: 'm', request, timeoutMs: 10, signal: before.signal }),
      ),
    ).toMatchObject({ kind: 'aborted' });
  });

  it('fails with failStatus at the failure rate', async () => {
    const draws = [0.1, 0.9];
    const provider = new SimulatedProvider({
      settings: settings({ failureRate: 0.5, failStatus: 429 }),
      random: () => draws.shift() ?? 0.9,
    });
    expect(
      await failureOf(provider.complete({ model: 'm', request, timeoutMs: 1_000 })),
    ).toMatchObject({
      status: 429,
      errorClass: 'transient',
      kind: 'status',
      provider: 'simulated',
      model: 'm',
    });
    await expect(
      provider.complete({ model: 'm', request, timeoutMs: 1_000 }),
    ).resolves.toBeDefined();
  });

  it('switches outages per model, for every model, and from an outside flag', async () => {
    let outside = false;
    const provider = new SimulatedProvider({
      settings: settings(),
      isDown: (model) => outside && model === 'c',
    });
    provider.setOutage('a', true);
    expect(
      await failureOf(provider.complete({ model: 'a', request, timeoutMs: 1_000 })),
    ).toMatchObject({ status: 503 });
    await expect(
      provider.complete({ model: 'b', request, timeoutMs: 1_000 }),
    ).resolves.toBeDefined();
    provider.setOutage(ALL_MODELS, true);
    expect(provider.isDown('b')).toBe(true);
    provider.setOutage(ALL_MODELS, false);
    provider.setOutage('a', false);
    expect(provider.isDown('a')).toBe(false);
    outside = true;
    expect(
      await failureOf(provider.complete({ model: 'c', request, timeoutMs: 1_000 })),
    ).toMatchObject({ status: 503 });
  });

  it('calls the forced tool, honours stop sequences and max_tokens', async () => {
    const provider = new SimulatedProvider({ settings: settings() });
    const tool = await provider.complete({
      model: 'm',
      timeoutMs: 1_000,
      request: {
        ...request,
        tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
        tool_choice: 'required',
      },
    });
    expect(tool.output).toMatchObject({
      stop_reason: 'tool_use',
      tool_calls: [{ name: 'lookup', arguments: {} }],
    });
    const stopped = await provider.complete({
      model: 'm',
      timeoutMs: 1_000,
      request: { ...request, stop: ['invoice'] },
    });
    expect(stopped.output).toMatchObject({ stop_reason: 'stop_sequence' });
    expect(stopped.output.text).not.toContain('invoice');
    const short = await provider.complete({
      model: 'm',
      timeoutMs: 1_000,
      request: { ...request, max_tokens: 2 },
    });
    expect(short.output).toMatchObject({ stop_reason: 'max_tokens' });
    expect(short.output.text.length).toBe(8);
  });
});

describe('SimulatedProvider streaming', () => {
  it('streams word by word, chunk_delay_ms apart, adding up to the completion', async () => {
    vi.useFakeTimers();
    const provider = new SimulatedProvider({ settings: settings({ chunkDelayMs: 100 }) });
    const pieces: string[] = [];
    const call = provider.stream({
      model: 'm',
      request,
      timeoutMs: 1_000,
      idleMs: 1_000,
      onDelta: (d) => {
        if (d.kind === 'text') pieces.push(d.text);
      },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(pieces).toEqual(['[simulated ']);
    await vi.advanceTimersByTimeAsync(100);
    expect(pieces).toEqual(['[simulated ', 'm] ']);
    await vi.advanceTimersByTimeAsync(1_000);
    const completion = await call;
    expect(pieces.join('')).toBe(completion.output.text);
    expect(completion.output.text).toBe('[simulated m] Summarise invoice 42');
  });

  it('continues a trailing assistant message (prefill) instead of starting over', async () => {
    const provider = new SimulatedProvider({ settings: settings() });
    const completion = await provider.complete({
      model: 'm',
      timeoutMs: 1_000,
      request: {
        messages: [...request.messages, { role: 'assistant', content: '[simulated m] Summ' }],
      },
    });
    expect(completion.output.text).toBe('arise invoice 42');
  });
});
