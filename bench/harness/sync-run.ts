import OpenAI from 'openai';
import type { FakeProvider } from '../../test/helpers/fake-provider/server.js';
import { writeConfigFile } from '../../test/helpers/processes.js';
import { freePort } from '../../test/helpers/redis-server.js';
import { BENCH_TOKEN, benchPrefix } from './ladder-config.js';
import { spawnLadderCli, stopAll, type BenchChild } from './processes.js';
import { until } from './stats.js';

export const SYNC_MODEL = 'gpt-s';

/** `ladder start` (API and workers in one process, as an agent's team first runs it). */
export interface SyncLadder {
  /** The official SDK on the ladder's /v1. */
  ladder: OpenAI;
  /** The same SDK on the fake provider. */
  direct: OpenAI;
  /** `POST /v1/jobs?wait=30` with one user message; resolves when the answer is back. */
  postJob(content: string): Promise<void>;
  /** The same request with `fetch` on the fake provider's Chat Completions: the jobs rows' baseline. */
  postDirect(content: string): Promise<void>;
  child: BenchChild;
  close(): Promise<void>;
}

export async function startSyncLadder(input: {
  url: string;
  fake: FakeProvider;
  /** The worker's HTTP client for the SDK (providers.openai.http_client); default undici. */
  httpClient?: 'undici' | 'fetch';
}): Promise<SyncLadder> {
  const { fake } = input;
  const configPath = writeConfigFile({
    redis: { url: input.url, prefix: benchPrefix('sync') },
    providers: {
      openai: {
        api_key: 'sk-bench-openai',
        base_url: fake.baseUrls.openai,
        timeout_ms: 10_000,
        ...(input.httpClient ? { http_client: input.httpClient } : {}),
      },
    },
    levels: [
      { name: 'full', targets: [`openai/${SYNC_MODEL}`] },
      { name: 'static', serve: 'static', message: 'limited' },
    ],
    worker: { concurrency: 64 },
    api: { tokens: [BENCH_TOKEN], sync_timeout_ms: 60_000 },
  });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawnLadderCli(['start', '--config', configPath, '--port', String(port)]);
  try {
    await until(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok === true, {
      timeoutMs: 60_000,
      everyMs: 100,
      what: 'ladder start ready',
    });
  } catch (error) {
    await stopAll([child]);
    throw new Error(`${String(error)}\n${child.output()}`);
  }
  const sdk = (baseURL: string, apiKey: string): OpenAI =>
    new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 60_000 });
  return {
    ladder: sdk(`${base}/v1`, BENCH_TOKEN),
    direct: sdk(fake.baseUrls.openai, 'sk-bench-openai'),
    async postJob(content) {
      const response = await fetch(`${base}/v1/jobs?wait=30`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ request: { messages: [{ role: 'user', content }] }, floor: 1 }),
      });
      if (response.status !== 200)
        throw new Error(`bench: POST /v1/jobs?wait answered ${response.status}`);
      await response.arrayBuffer();
    },
    async postDirect(content) {
      const response = await fetch(`${fake.baseUrls.openai}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-bench-openai', 'content-type': 'application/json' },
        body: JSON.stringify({ model: SYNC_MODEL, messages: [{ role: 'user', content }] }),
      });
      if (response.status !== 200)
        throw new Error(`bench: the fake provider answered ${response.status}`);
      await response.arrayBuffer();
    },
    child,
    close: () => stopAll([child]),
  };
}
