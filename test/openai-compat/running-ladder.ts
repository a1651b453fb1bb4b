import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import type { LadderConfig } from '../../src/config/types.js';
import { startApiServer, type ApiServer } from '../../src/server/api-server.js';
import { createLogger } from '../../src/util/log.js';
import type { FakeProvider } from '../helpers/fake-provider/server.js';
import { startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';

export const TOKEN = 'ladder-token-for-openai-sdk-tests';

/** Two LLM levels, then cache and static, all behind the fake provider. */
export const LEVELS = [
  { name: 'full', targets: ['openai/gpt-4o'] },
  { name: 'reduced', targets: ['anthropic/claude-sonnet-4-6', 'openai/gpt-4o-mini'] },
  { name: 'cached', serve: 'cache' },
  { name: 'static', serve: 'static', message: 'Service temporarily limited' },
];

export interface RunningLadder {
  config: LadderConfig;
  ladder: TestLadder;
  api: ApiServer;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The official SDK, pointed at this ladder's /v1 with a valid token and no retries of its own. */
  client(apiKey?: string): OpenAI;
  close(): Promise<void>;
}

/** Real workers, real Redis, the real API over a socket: what an agent would talk to. */
export async function startRunningLadder(
  fake: FakeProvider,
  api: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Promise<RunningLadder> {
  const config = testConfig(
    { levels: LEVELS, api: { tokens: [TOKEN], sync_timeout_ms: 10_000, ...api }, ...extra },
    fake,
  );
  const ladder = await startTestLadder(config);
  const logger = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
  const server = await startApiServer({ config, ops: ladder.ops, port: 0, logger });
  // With tokens the server listens on every interface; 127.0.0.1 avoids localhost resolving to ::1.
  const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return {
    config,
    ladder,
    api: server,
    url,
    client: (apiKey = TOKEN) =>
      new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, timeout: 20_000 }),
    async close() {
      await server.close();
      await ladder.close();
    },
  };
}
