import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    expect(demo.output()).toMatch(/removed its \d+ keys \(ladder-demo:\*\)/);
    expect(await demoKeys()).toBe(0);
  }, 180_000);

  it('keeps the terminal readable: a line per breaker, level and degraded job, a summary, JSON in a file', async () => {
    const port = await freePort();
    const logFile = join(mkdtempSync(join(tmpdir(), 'ladder-demo-log-')), 'demo.log');
    const demo = runLadder(
      [
        ...['demo', '--port', String(port), '--rate', '10', '--no-outages'],
        ...['--summary-every', '2', '--log-file', logFile],
      ],
      { REDIS_URL: inject('redisUrl') },
    );
    const badConfig = runLadder([
      'demo',
      '--port',
      String(await freePort()),
      '--log-format',
      'json',
      '--config',
      '/nonexistent/ladder.yaml',
    ]);
    expect(await badConfig.exited()).toBe(2); // a missing --config is bad input
    await demo.waitFor('llm-ladder demo is running', 90_000);
    const breaker = (action: string): Promise<Response> =>
      fetch(`http://127.0.0.1:${port}/v1/breakers/simulated/opus-sim`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action }),
      });
    await demo.waitFor('jobs served', 60_000);
    expect((await breaker('open')).status).toBe(200);
    await demo.waitFor('breaker simulated/opus-sim forced OPEN', 60_000);
    await demo.waitFor('level full DOWN', 60_000);
    await demo.waitFor('job served degraded at reduced', 60_000);
    expect((await breaker('auto')).status).toBe(200);
    await demo.waitFor('level full back up', 60_000);
    demo.child.kill('SIGTERM');
    expect(await demo.exited()).toBe(0);
    const lines = demo.output().split('\n');
    // Not one JSON log line on the terminal, and the banner is all there.
    expect(lines.filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    expect(demo.output()).toContain('Full JSON logs: ');
    expect(
      lines.some((l) => /last \d+ s: \d+ jobs served \(\d+ degraded\), \d+ failed/.test(l)),
    ).toBe(true);
    expect(demo.output()).toMatch(/breaker simulated\/opus-sim (closed|half-open)/);
    // The full logs went to the file it named.
    expect(demo.output()).toContain(`Full JSON logs: ${logFile} `);
    const logged = readFileSync(logFile, 'utf8').trim().split('\n');
    expect(logged.length).toBeGreaterThan(5);
    for (const line of logged) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(logged.some((l) => l.includes('"msg":"job completed"'))).toBe(true);
  }, 240_000);

  it('--log-format json writes the JSON logs on stdout', async () => {
    const demo = runLadder(
      ['demo', '--port', String(await freePort()), '--log-format', 'json', '--no-outages'],
      { REDIS_URL: inject('redisUrl') },
    );
    await demo.waitFor('"msg":"job completed"', 90_000);
    demo.child.kill('SIGINT');
    expect(await demo.exited()).toBe(0);
    expect(demo.output()).not.toContain('Full JSON logs');
  }, 180_000);

  // npm runs the script through `sh -c`; SIGTERM to npm must not leave node serving (npm passes
  // it to the shell, which dies without passing it on unless the script execs node).
  describe('`npm start`', () => {
    // `npm start` runs the built CLI (dist/). Built here, not in the first test: a build on a
    // fresh clone (as in CI) took 40-95 s of that test's 180 s under load, and it ran out once.
    beforeAll(() => {
      if (existsSync(join(ROOT, 'dist/cli/main.js'))) return;
      expect(spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' }).status).toBe(0);
    }, 600_000);

    it.each(['SIGTERM', 'SIGINT'] as const)(
      '%s to the `npm start` process stops the whole demo',
      async (signal) => {
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
        // SIGTERM as soon as the API answers, while the demo may still be starting: it finishes
        // starting, then stops everything and removes its keys. SIGINT once it has started.
        if (signal === 'SIGINT')
          await expect
            .poll(() => text, { timeout: 90_000 })
            .toContain('llm-ladder demo is running');
        npm.kill(signal);
        await gone;
        // The port is free again: no node process was left behind serving the demo.
        await expect.poll(() => answers(port), { timeout: 30_000, interval: 500 }).toBe(false);
        await expect.poll(demoKeys, { timeout: 30_000 }).toBe(0);
      },
      180_000,
    );
  });
});
