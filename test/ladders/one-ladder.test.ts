import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ladderNameOf } from '../../src/config/ladder-set.js';
import { LadderClient } from '../../src/producer/ladder-client.js';
import { startApiServer, type ApiServer } from '../../src/server/api-server.js';
import { createLogger } from '../../src/util/log.js';
import { job, startTestLadder, testConfig, type TestLadder } from '../helpers/ladder.js';
import { ladderData, TOKEN_A } from './two-ladders.js';

let ladder: TestLadder;
let api: ApiServer;
let url: string;
let name: string;
beforeAll(async () => {
  ladder = await startTestLadder(testConfig(ladderData(TOKEN_A)));
  name = ladderNameOf(ladder.config.redis.prefix);
  api = await startApiServer({
    config: ladder.config,
    ops: ladder.ops,
    port: 0,
    logger: createLogger('test', 'silent'),
  });
  url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await api?.close();
  await ladder?.close();
});

const auth = { authorization: `Bearer ${TOKEN_A}` };

describe('a one-config API keeps its root paths and also answers under /ladders/{name}', () => {
  it('serves the root as before, and the same ladder under its name', async () => {
    expect((await fetch(`${url}/v1/ladder`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${url}/v1/ladder`)).status).toBe(401);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const client = new LadderClient({ url: `${url}/ladders/${name}`, token: TOKEN_A });
    try {
      const { id } = await client.enqueue(job('one ladder'));
      expect((await client.result(id, { timeoutMs: 20_000 }))?.status).toBe('completed');
    } finally {
      await client.close();
    }
    // X-Ladder naming it is fine; naming another is a 404.
    const named = await fetch(`${url}/v1/ladder`, { headers: { ...auth, 'x-ladder': name } });
    expect(named.status).toBe(200);
    const other = await fetch(`${url}/v1/ladder`, { headers: { ...auth, 'x-ladder': 'other' } });
    expect(other.status).toBe(404);
    expect((await fetch(`${url}/ladders/other/v1/ladder`, { headers: auth })).status).toBe(404);
  });
});
