import OpenAI from 'openai';
import { buildConfig } from '../../src/config/load.js';
import { openRedisOps } from '../../src/producer/open-redis-ops.js';
import type { RedisLadderOps } from '../../src/producer/redis-ops.js';
import type { FakeProvider } from '../../test/helpers/fake-provider/server.js';
import { writeConfigFile } from '../../test/helpers/processes.js';
import { freePort } from '../../test/helpers/redis-server.js';
import { BENCH_TOKEN, benchPrefix } from './ladder-config.js';
import { spawnLadderApi, spawnLadderWorker, stopAll, waitForWorkers } from './processes.js';
import { until } from './stats.js';

/** The streamed answer: 24 words, a piece each. */
export const STREAM_TEXT = Array.from({ length: 24 }, (_, i) => `word${i}`).join(' ') + '.';

/**
 * The API (`ladder api`) and the workers (`ladder worker`) each in their own process, as deployed;
 * the fake provider and both clients stay in the bench's process.
 */
export interface StreamLadder {
  ladder: OpenAI;
  direct: OpenAI;
  ops: RedisLadderOps;
  close(): Promise<void>;
}

export async function startStreamLadder(input: {
  url: string;
  fake: FakeProvider;
  concurrency: number;
  /** The worker's HTTP client for the SDKs (providers.<name>.http_client); default undici. */
  httpClient?: 'undici' | 'fetch';
}): Promise<StreamLadder> {
  const { fake } = input;
  const settings = (name: 'anthropic' | 'openai') => ({
    api_key: `sk-bench-${name}`,
    base_url: fake.baseUrls[name],
    timeout_ms: 10_000,
    ...(input.httpClient ? { http_client: input.httpClient } : {}),
  });
  const data = {
    redis: { url: input.url, prefix: benchPrefix('stream') },
    providers: { anthropic: settings('anthropic'), openai: settings('openai') },
    levels: [
      // Faults go to claude-s (first); claude-t continues a cut answer by prefill. The
      // first-token runs name openai/gpt-s, the same SDK and fake the direct side calls.
      { name: 'full', targets: ['anthropic/claude-s', 'anthropic/claude-t', 'openai/gpt-s'] },
    ],
    // Every stream in flight runs at once: a queue wait would be measured, not the relay.
    worker: { concurrency: input.concurrency },
    // Faults are injected on purpose: the breaker must not take the targets away meanwhile.
    breaker: { failure_threshold: 1_000_000 },
    // Long enough that a loaded machine's pauses are not taken for stalls; the injected stalls
    // hold for ever, so each costs this once.
    fallback: { max_retries: 0, stream_idle_ms: 2_000 },
    api: { tokens: [BENCH_TOKEN], sync_timeout_ms: 60_000 },
  };
  const configPath = writeConfigFile(data);
  const config = buildConfig(data, { source: configPath });
  const ops = await openRedisOps({ url: config.redis.url, prefix: config.redis.prefix, config });
  const port = await freePort();
  const children = [
    spawnLadderApi({ configPath, port }),
    spawnLadderWorker({ configPath, levels: ['full'], concurrency: input.concurrency }),
  ];
  try {
    await waitForWorkers((await ops.levelQueues()).queue('full'), 1, children);
    await until(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok === true,
      { timeoutMs: 60_000, everyMs: 100, what: 'the API process ready' },
    );
  } catch (error) {
    await stopAll(children);
    await ops.close();
    throw error;
  }
  const sdk = (baseURL: string, apiKey: string): OpenAI =>
    new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 60_000 });
  return {
    ladder: sdk(`http://127.0.0.1:${port}/v1`, BENCH_TOKEN),
    direct: sdk(fake.baseUrls.openai, 'sk-bench-openai'),
    ops,
    async close() {
      await stopAll(children);
      await ops.close();
    },
  };
}

export interface StreamOutcome {
  /** Request sent → first content piece, ms. */
  firstTokenMs: number;
  text: string;
  failed: boolean;
  /** The ladder's job id (X-Ladder-Job-Id); null on the direct side. */
  jobId: string | null;
}

/** One streamed chat completion with the official SDK: its first-token time and its text. */
export async function streamOnce(client: OpenAI, model: string): Promise<StreamOutcome> {
  const started = performance.now();
  let firstTokenMs = Number.NaN;
  let text = '';
  let jobId: string | null = null;
  try {
    const { data: stream, response } = await client.chat.completions
      .create({
        model,
        messages: [{ role: 'user', content: 'Stream twenty-four words' }],
        stream: true,
      })
      .withResponse();
    jobId = response.headers.get('x-ladder-job-id');
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.content ?? '';
      if (piece !== '' && Number.isNaN(firstTokenMs)) firstTokenMs = performance.now() - started;
      text += piece;
    }
    return { firstTokenMs, text, failed: false, jobId };
  } catch {
    return { firstTokenMs, text, failed: true, jobId };
  }
}
