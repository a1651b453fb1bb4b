import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { testPrefix } from '../helpers/ladder.js';
import { runLadder, writeConfigFile, type LadderProcess } from '../helpers/processes.js';

const RECORDER = resolve(import.meta.dirname, '../helpers/record-imports.mjs');
const SDKS = ['@anthropic-ai/sdk', 'openai', '@google/genai'];
const HTTP_STACK = ['express', '@bull-board/express', '@bull-board/api'];

const processes: LadderProcess[] = [];
afterEach(async () => {
  for (const p of processes.splice(0)) {
    p.child.kill('SIGTERM');
    await p.exited();
  }
});

function configPath(): string {
  return writeConfigFile({
    redis: { url: inject('redisUrl'), prefix: testPrefix() },
    providers: {
      openai: { api_key: 'sk-test-lean', base_url: 'http://127.0.0.1:9/v1' },
      anthropic: { api_key: 'sk-ant-test-lean', base_url: 'http://127.0.0.1:9' },
      google: { api_key: 'test-google-lean', base_url: 'http://127.0.0.1:9' },
    },
    levels: [
      { name: 'full', targets: ['anthropic/claude-sonnet-4-5'] },
      { name: 'reduced', targets: ['openai/gpt-4o-mini'] },
      { name: 'basic', targets: ['google/gemini-2.0-flash'] },
      { name: 'cached', serve: 'cache' },
      { name: 'static', serve: 'static', message: 'limited' },
    ],
  });
}

/** The npm packages a `ladder worker` for these levels loaded by the time it was serving. */
async function packagesLoadedBy(levels: string[]): Promise<string[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'ladder-imports-')), 'packages.txt');
  const worker = runLadder(
    ['worker', '--config', configPath(), ...levels.flatMap((l) => ['--level', l])],
    {
      NODE_OPTIONS: `--import ${RECORDER}`,
      RECORD_IMPORTS_FILE: file,
    },
  );
  processes.push(worker);
  await worker.waitFor('workers started');
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

describe('a worker loads only what its levels use', () => {
  it('a static and cache worker loads no provider SDK and no HTTP stack', async () => {
    const loaded = await packagesLoadedBy(['cached', 'static']);
    expect(loaded).toContain('bullmq');
    for (const name of [...SDKS, ...HTTP_STACK]) expect(loaded).not.toContain(name);
  }, 90_000);

  it('a worker for one OpenAI level loads the OpenAI SDK and no other', async () => {
    const loaded = await packagesLoadedBy(['reduced']);
    expect(loaded).toContain('openai');
    expect(loaded).not.toContain('@anthropic-ai/sdk');
    expect(loaded).not.toContain('@google/genai');
    for (const name of HTTP_STACK) expect(loaded).not.toContain(name);
  }, 90_000);
});
