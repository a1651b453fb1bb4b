import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_PREFIX } from '../../src/cli/demo-keys.js';
import { runLadder } from '../helpers/processes.js';
import { freePort } from '../helpers/redis-server.js';

const ROOT = resolve(import.meta.dirname, '../..');

let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(async () => {
  await redis.quit();
});

async function demoKeys(): Promise<number> {
  return (await redis.keys(`${DEMO_PREFIX}:*`)).length;
}

async function answers(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', (code) => r(code)));
}

// One at a time: every run uses the demo's one prefix on the suite's Redis.
describe.sequential('the demo', () => {
  it('keeps its keys under its own prefix and removes them when it stops', async () => {
    const port = await freePort();
    const demo = runLadder(['demo', '--port', String(port), '--rate', '20', '--no-outages'], {
      REDIS_URL: inject('redisUrl'),
    });
    await demo.waitFor('llm-ladder demo is running', 90_000);
    await expect.poll(demoKeys, { timeout: 30_000 }).toBeGreaterThan(10);
    expect(demo.output()).toContain(`Its keys (${DEMO_PREFIX}:*) are removed when it stops.`);
    demo.child.kill('SIGINT');
    expect(await demo.exited()).toBe(0);
    expect(demo.output()).toMatch(/demo: removed its \d+ keys/);
    expect(await demoKeys()).toBe(0);
  }, 180_000);

  // npm runs the script through `sh -c`; SIGTERM to npm must not leave node serving (npm passes
  // it to the shell, which dies without passing it on unless the script execs node).
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s to the `npm start` process stops the whole demo',
    async (signal) => {
      if (!existsSync(join(ROOT, 'dist/cli/main.js'))) {
        expect(spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' }).status).toBe(0);
      }
      const port = await freePort();
      const npm = spawn('npm', ['start', '--', '--rate', '5', '--no-outages'], {
        cwd: ROOT,
        env: { ...process.env, REDIS_URL: inject('redisUrl'), PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      npm.stdout.on('data', (c: Buffer) => (text += c.toString()));
      npm.stderr.on('data', (c: Buffer) => (text += c.toString()));
      const gone = exited(npm);
      await expect.poll(() => answers(port), { timeout: 90_000, interval: 500 }).toBe(true);
      npm.kill(signal);
      await gone;
      // The port is free again: no node process was left behind serving the demo.
      await expect.poll(() => answers(port), { timeout: 30_000, interval: 500 }).toBe(false);
      await expect.poll(demoKeys, { timeout: 30_000 }).toBe(0);
      expect(text).toContain('llm-ladder demo is running');
    },
    180_000,
  );
});
