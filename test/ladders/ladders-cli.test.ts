import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/load.js';
import { LadderClient } from '../../src/producer/ladder-client.js';
import { freePort } from '../helpers/redis-server.js';
import {
  job,
  startTestLadder,
  testPrefix,
  testRedisBlock,
  type TestLadder,
} from '../helpers/ladder.js';
import { runLadder, writeConfigFile, type LadderProcess } from '../helpers/processes.js';
import { ladderData, TOKEN_A, TOKEN_B } from './two-ladders.js';

interface File {
  path: string;
  name: string;
  token: string;
  workers: TestLadder;
}

/** A config file for one ladder, and its workers in this process. */
async function ladderFile(token: string, api: Record<string, unknown> = {}): Promise<File> {
  const prefix = testPrefix();
  const base = ladderData(token);
  const data = {
    ...base,
    redis: testRedisBlock(prefix),
    api: { ...(base.api as object), ...api },
  };
  const path = writeConfigFile(data);
  const workers = await startTestLadder(buildConfig(data, { source: path, env: {} }));
  return { path, name: prefix.replace(/[{}]/g, ''), token, workers };
}

let a: File;
let b: File;
let api: LadderProcess;
let url: string;
beforeAll(async () => {
  [a, b] = await Promise.all([ladderFile(TOKEN_A), ladderFile(TOKEN_B)]);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  api = runLadder(['api', '--config', a.path, '--config', b.path, '--port', String(port)]);
  await api.waitFor('API listening', 60_000);
}, 120_000);
afterAll(async () => {
  api?.child.kill('SIGTERM');
  const code = await api?.exited();
  await Promise.all([a?.workers.close(), b?.workers.close()]);
  expect(code).toBe(0);
});

describe('ladder api --config a.yaml --config b.yaml', { timeout: 120_000 }, () => {
  it('serves both ladders, each under /ladders/{name}, with its own token', async () => {
    for (const side of [a, b]) {
      const client = new LadderClient({ url: `${url}/ladders/${side.name}`, token: side.token });
      try {
        const { id } = await client.enqueue(job(`through the CLI to ${side.name}`));
        const result = await client.result(id, { timeoutMs: 30_000 });
        expect(result?.status).toBe('completed');
        expect(await side.workers.ops.get(id)).not.toBeNull();
      } finally {
        await client.close();
      }
    }
    const openai = new OpenAI({
      baseURL: `${url}/ladders/${b.name}/v1`,
      apiKey: b.token,
      maxRetries: 0,
      timeout: 30_000,
    });
    const completion = await openai.chat.completions.create({
      model: 'ladder',
      messages: [{ role: 'user', content: 'Summarise invoice 42' }],
    });
    expect(completion.choices[0]?.message.content).toBeTruthy();
    const crossed = await fetch(`${url}/ladders/${b.name}/v1/ladder`, {
      headers: { authorization: `Bearer ${a.token}` },
    });
    expect(crossed.status).toBe(401);
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { ladders: object };
    expect(Object.keys(ready.ladders).sort()).toEqual([a.name, b.name].sort());
    // Tokens are never logged.
    expect(api.output()).not.toContain(TOKEN_A);
    expect(api.output()).not.toContain(TOKEN_B);
  });

  it('stops with exit 2 naming the file and key: one ladder twice, or a port the first disagrees with', async () => {
    const twice = runLadder(['api'], { LADDER_CONFIG: `${a.path},${a.path}` });
    expect(await twice.exited()).toBe(2);
    expect(twice.output()).toContain(
      `${a.path}: redis.prefix: expected a ladder name not taken by ${a.path}`,
    );
    const other = writeConfigFile({
      ...ladderData(TOKEN_B),
      redis: testRedisBlock(testPrefix()),
      api: { tokens: [TOKEN_B], port: 1 },
    });
    const ports = runLadder(['api', '--config', a.path, '--config', other]);
    expect(await ports.exited()).toBe(2);
    expect(ports.output()).toMatch(new RegExp(`${other}: api\\.port: expected \\d+ as in `));
    expect(ports.output()).not.toContain(TOKEN_B);
    const missing = runLadder(['api', '--config', a.path, '--config', `${a.path}.missing`]);
    expect(await missing.exited()).toBe(2);
    expect(missing.output()).toContain('cannot read the config file');
  });

  it('commands that run one ladder refuse several configs instead of taking one of them', async () => {
    const start = runLadder(['start', '--config', a.path, '--config', b.path]);
    expect(await start.exited()).toBe(2);
    expect(start.output()).toContain('2 configs given, and this command runs one ladder');
    const status = runLadder(['status'], { LADDER_CONFIG: `${a.path},${b.path}` });
    expect(await status.exited()).toBe(2);
    expect(status.output()).toContain('only `ladder api` serves several ladders');
  });
});
