import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLadderSet } from '../../src/config/ladder-set.js';
import { buildConfig } from '../../src/config/load.js';
import { redisSource, type LadderConfig } from '../../src/config/types.js';
import { openRedisOps } from '../../src/producer/open-redis-ops.js';
import type { RedisLadderOps } from '../../src/producer/redis-ops.js';
import type { ApiServer } from '../../src/server/api-server.js';
import { startLaddersServer } from '../../src/server/ladders-server.js';
import { createLogger } from '../../src/util/log.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { testConfig } from '../helpers/ladder.js';
import { ladderData, TOKEN_A, TOKEN_B } from './two-ladders.js';

// Ladder b has a Redis of its own, which the test stops: one ladder's outage, the other's not.
let redisB: RedisServerHandle;
let ops: RedisLadderOps[] = [];
let api: ApiServer;
let url: string;
let names: string[];
beforeAll(async () => {
  redisB = await startRedisServer();
  const configs: [LadderConfig, LadderConfig] = [
    testConfig(ladderData(TOKEN_A)),
    buildConfig(
      { ...ladderData(TOKEN_B), redis: { url: redisB.url, prefix: 'team-b' } },
      { source: 'b.yaml', env: {} },
    ),
  ];
  const named = checkLadderSet(configs, { portGiven: true });
  names = named.map((n) => n.name);
  ops = await Promise.all(
    configs.map((config) =>
      openRedisOps({ url: redisSource(config.redis), prefix: config.redis.prefix, config }),
    ),
  );
  api = await startLaddersServer({
    ladders: named.map((n, i) => ({ ...n, ops: ops[i]! })),
    port: 0,
    logger: createLogger('test', 'silent'),
  });
  url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await api?.close();
  await Promise.all(ops.map((o) => o.close()));
  await redisB?.dispose();
});

interface Ready {
  status: string;
  detail?: string;
  ladders: Record<string, { status: string; detail?: string }>;
}

async function readyz(): Promise<{ status: number; body: Ready }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as Ready };
}

describe('/readyz of an API serving several ladders', () => {
  it("is ready only while every ladder's Redis answers, and names the one that does not", async () => {
    const [a, b] = names as [string, string];
    expect(b).toBe('team-b');
    expect((await readyz()).status).toBe(200);
    await redisB.stop();
    await expect.poll(async () => (await readyz()).status, { timeout: 20_000 }).toBe(503);
    const { body } = await readyz();
    expect(body.ladders[a]).toEqual({ status: 'ready' });
    expect(body.ladders[b]).toEqual({ status: 'not_ready', detail: 'Redis is not reachable' });
    expect(body.detail).toBe('team-b: Redis is not reachable');
    // The other ladder goes on serving; b's own readiness says it is down.
    const state = await fetch(`${url}/ladders/${a}/v1/ladder`, {
      headers: { authorization: `Bearer ${TOKEN_A}` },
    });
    expect(state.status).toBe(200);
    expect((await fetch(`${url}/ladders/${b}/readyz`)).status).toBe(503);
    await redisB.start();
    await expect.poll(async () => (await readyz()).status, { timeout: 20_000 }).toBe(200);
  });
});
