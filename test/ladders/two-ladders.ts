import type { AddressInfo } from 'node:net';
import type { LadderConfig } from '../../src/config/types.js';
import { checkLadderSet } from '../../src/config/ladder-set.js';
import type { ApiServer } from '../../src/server/api-server.js';
import { startLaddersServer } from '../../src/server/ladders-server.js';
import { createLogger } from '../../src/util/log.js';
import { startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';

export const TOKEN_A = 'token-of-ladder-a-0123456789';
export const TOKEN_B = 'token-of-ladder-b-9876543210';

/** One LLM level on the simulated provider, then a static message. */
export function ladderData(token: string): Record<string, unknown> {
  return {
    providers: { simulated: { latency_ms: 5 } },
    levels: [
      { name: 'full', targets: ['simulated/opus-sim'] },
      { name: 'static', serve: 'static', message: 'Service temporarily limited' },
    ],
    api: { tokens: [token], sync_timeout_ms: 10_000 },
    worker: { shutdown_grace_ms: 1_000 },
  };
}

export interface Side {
  name: string;
  token: string;
  ladder: TestLadder;
  /** `http://127.0.0.1:<port>/ladders/<name>`. */
  url: string;
}

export interface TwoLadders {
  api: ApiServer;
  /** The API's root, `http://127.0.0.1:<port>`. */
  url: string;
  a: Side;
  b: Side;
  close(): Promise<void>;
}

/**
 * Two ladders (workers and producer in this process) on the test Redis under two prefixes, served
 * by one API: what `ladder api --config a.yaml --config b.yaml` runs. `configs` defaults to two
 * fresh test configs with tokens A and B.
 */
export async function startTwoLadders(
  configs: readonly [LadderConfig, LadderConfig] = [
    testConfig(ladderData(TOKEN_A)),
    testConfig(ladderData(TOKEN_B)),
  ],
): Promise<TwoLadders> {
  const named = checkLadderSet(configs, { portGiven: true });
  const ladders = await Promise.all(configs.map((config) => startTestLadder(config)));
  const logger = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
  const api = await startLaddersServer({
    ladders: named.map((n, i) => ({ ...n, ops: ladders[i]!.ops })),
    port: 0,
    logger,
  });
  // With tokens the server listens on every interface; 127.0.0.1 avoids localhost resolving to ::1.
  const url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  const side = (i: 0 | 1): Side => ({
    name: named[i]!.name,
    token: configs[i].api.tokens[0] ?? '',
    ladder: ladders[i]!,
    url: `${url}/ladders/${named[i]!.name}`,
  });
  return {
    api,
    url,
    a: side(0),
    b: side(1),
    async close() {
      await api.close();
      await Promise.all(ladders.map((l) => l.close()));
    },
  };
}
