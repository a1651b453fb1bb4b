import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderHttpClient } from '../../src/config/types.js';
import { AnthropicProvider } from '../../src/providers/anthropic/adapter.js';
import type { Completion, Provider } from '../../src/providers/contract.js';
import { GoogleProvider } from '../../src/providers/google/adapter.js';
import { OpenAIProvider } from '../../src/providers/openai/adapter.js';
import { isProviderError } from '../../src/providers/provider-error.js';
import type { StreamDelta } from '../../src/providers/streaming/types.js';
import {
  contextLength,
  cutAfter,
  hang,
  malformed,
  malformedAfter,
  ok,
  reset,
  stallAfter,
  startFakeProvider,
  status,
  streamed,
  type Behaviour,
  type FakeProvider,
  type FakeProviderName,
} from '../helpers/fake-provider/server.js';
import { fakeSettings, HANG_TIMEOUT_MS, HELLO } from './harness.js';

/**
 * The undici-based fetch (src/providers/http/sdk-fetch.ts) against Node's global fetch, the same
 * calls through each: every answer and every failure must come out the same, field for field,
 * since the failure classification reads the SDKs' error classes, which read what fetch throws.
 */
const NAMES = ['anthropic', 'openai', 'google'] as const;
const CLIENTS = ['undici', 'fetch'] as const satisfies readonly ProviderHttpClient[];
let fake: FakeProvider;
const providers = {} as Record<FakeProviderName, Record<ProviderHttpClient, Provider>>;

function create(name: FakeProviderName, httpClient: ProviderHttpClient): Provider {
  const settings = { ...fakeSettings(fake.baseUrls[name]), httpClient };
  if (name === 'anthropic') return new AnthropicProvider({ settings });
  if (name === 'openai') return new OpenAIProvider({ settings });
  return new GoogleProvider({ settings });
}

beforeAll(async () => {
  fake = await startFakeProvider();
  for (const name of NAMES) {
    providers[name] = { undici: create(name, 'undici'), fetch: create(name, 'fetch') };
  }
});
afterEach(() => fake.reset());
afterAll(async () => fake.close());

/** What a call came to, with a failure's every field the ladder reads (not its cause object). */
function outcome(result: { completion?: Completion; error?: unknown; deltas?: StreamDelta[] }) {
  if (result.error === undefined) return { completion: result.completion, deltas: result.deltas };
  if (!isProviderError(result.error))
    throw new Error('not a ProviderError', { cause: result.error });
  const { message, errorClass, kind, status: code, retryAfterMs, rateLimit } = result.error;
  return {
    error: { message, errorClass, kind, code, retryAfterMs, rateLimit },
    deltas: result.deltas,
  };
}

async function complete(
  provider: Provider,
  model: string,
  timeoutMs: number,
  signal?: AbortSignal,
) {
  try {
    const completion = await provider.complete({
      model,
      request: HELLO,
      timeoutMs,
      ...(signal ? { signal } : {}),
    });
    return outcome({ completion });
  } catch (error) {
    return outcome({ error });
  }
}

async function stream(provider: Provider, model: string) {
  const deltas: StreamDelta[] = [];
  if (!provider.stream) throw new Error(`${provider.name} has no stream()`);
  try {
    const completion = await provider.stream({
      model,
      request: HELLO,
      timeoutMs: 5_000,
      idleMs: 150,
      onDelta: (d) => deltas.push(d),
    });
    return outcome({ completion, deltas });
  } catch (error) {
    return outcome({ error, deltas });
  }
}

const TEXT = 'One two three four five six.';
const CASES: [string, Behaviour, number?][] = [
  ['an answer', ok('Hi there', { input_tokens: 10, output_tokens: 3, cached_input_tokens: 4 })],
  ['a 429 with Retry-After', status(429, { message: 'slow down', retryAfterSeconds: 7 })],
  ['a 500', status(500)],
  ['a 503', status(503)],
  ['a 400 context too long', contextLength()],
  ['a 401', status(401)],
  ['a connection reset', reset()],
  ['a body that is not JSON', malformed()],
  ['a hang past the timeout', hang(), HANG_TIMEOUT_MS],
];
const STREAMS: [string, Behaviour][] = [
  ['a whole stream', streamed(TEXT)],
  ['a stream cut after 2 chunks', streamed(TEXT, { fault: cutAfter(2) })],
  ['a stream stalled after 2 chunks', streamed(TEXT, { fault: stallAfter(2) })],
  ['a stream with a malformed event', streamed(TEXT, { fault: malformedAfter(3) })],
  ['a 503 before the stream', status(503)],
];

describe.each(NAMES)('%s SDK on undici vs the global fetch', (name) => {
  it.each(CASES)('complete(): %s comes out the same', async (_what, behaviour, timeoutMs) => {
    const [undici, fetch] = await Promise.all(
      CLIENTS.map((client) => {
        fake.script(name, `m-${client}`, behaviour);
        return complete(providers[name][client], `m-${client}`, timeoutMs ?? 5_000);
      }),
    );
    expect(JSON.stringify(undici).replaceAll('m-undici', 'm-fetch')).toBe(JSON.stringify(fetch));
  });

  it("complete(): the caller's abort comes out the same", async () => {
    const results = [];
    for (const client of CLIENTS) {
      fake.script(name, 'm', hang());
      results.push(await complete(providers[name][client], 'm', 5_000, AbortSignal.timeout(100)));
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]?.error?.kind).toBe('aborted');
  });

  it('complete(): rate-limit headers are read the same', async () => {
    const results = [];
    for (const client of CLIENTS) {
      fake.rateLimit(name, `rl-${client}`, { perSecond: 1, retryAfterSeconds: 3 });
      const first = await complete(providers[name][client], `rl-${client}`, 5_000);
      const limited = await complete(providers[name][client], `rl-${client}`, 5_000);
      // Reset times are read against the clock: only their presence is compared.
      const drop = (value: unknown) =>
        JSON.parse(JSON.stringify(value).replaceAll(`rl-${client}`, 'rl'), (key, v: unknown) =>
          /^reset/.test(key) && typeof v === 'number' ? 'a number' : v,
        ) as unknown;
      results.push([drop(first), drop(limited)]);
    }
    expect(results[0]).toEqual(results[1]);
  });

  it.each(STREAMS)('stream(): %s comes out the same', async (_what, behaviour) => {
    const [undici, fetch] = await Promise.all(
      CLIENTS.map((client) => {
        fake.script(name, `s-${client}`, behaviour);
        return stream(providers[name][client], `s-${client}`);
      }),
    );
    expect(JSON.stringify(undici).replaceAll('s-undici', 's-fetch')).toBe(JSON.stringify(fetch));
  });
});
