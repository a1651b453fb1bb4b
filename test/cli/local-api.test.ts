import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LadderState } from '../../src/ladder/state.js';
import { runLadder, writeConfigFile, type LadderProcess } from '../helpers/processes.js';
import { freePort } from '../helpers/redis-server.js';
import { testPrefix } from '../helpers/ladder.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'src/cli/main.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** Runs the CLI as a new user would: in a folder with no ladder.yaml (unless `cwd` has one), with no flags or LADDER_*. */
function ladder(
  args: string[],
  port: number,
  cwd = mkdtempSync(join(tmpdir(), 'ladder-cwd-')),
): Promise<{ code: number | null; out: string; err: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' };
  for (const name of ['LADDER_URL', 'LADDER_CONFIG', 'LADDER_API_TOKEN', 'REDIS_URL'])
    delete env[name];
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
      cwd,
      env,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdin.end('');
    child.on('exit', (code) => done({ code, out, err }));
  });
}

let server: LadderProcess;
let port: number;

beforeAll(async () => {
  port = await freePort();
  const configPath = writeConfigFile({
    redis: { url: inject('redisUrl'), prefix: testPrefix() },
    providers: { simulated: { latency_ms: 5 } },
    levels: [
      { name: 'top', targets: ['simulated/opus-sim'] },
      { name: 'low', targets: ['simulated/haiku-sim'] },
      { name: 'static', serve: 'static', message: 'Service temporarily limited' },
    ],
  });
  // No tokens: open, on 127.0.0.1, as the demo runs.
  server = runLadder(['start', '--config', configPath, '--port', String(port)]);
  await server.waitFor('API listening', 60_000);
}, 90_000);

afterAll(async () => {
  server.child.kill('SIGTERM');
  expect(await server.exited()).toBe(0);
}, 60_000);

describe('the CLI with a ladder running locally and no flags', () => {
  it('status, enqueue, breaker, pause, resume and report find the local API', async () => {
    const status = await ladder(['status', '--json'], port);
    expect(status.code, status.err).toBe(0);
    const state = JSON.parse(status.out) as LadderState;
    // The running ladder's levels, not those of any file.
    expect(state.levels.map((l) => l.name)).toEqual(['top', 'low', 'static']);

    const enqueued = await ladder(['enqueue', 'Hello there', '--wait'], port);
    expect(enqueued.code, enqueued.err).toBe(0);
    expect(enqueued.out).toMatch(/level 1 top \(simulated\/opus-sim\)/);

    const open = await ladder(['breaker', 'open', 'simulated/opus-sim'], port);
    expect(open.code, open.err).toBe(0);
    const auto = await ladder(['breaker', 'auto', 'simulated/opus-sim'], port);
    expect(auto.code, auto.err).toBe(0);

    const pause = await ladder(['pause', 'low'], port);
    expect(pause.code, pause.err).toBe(0);
    expect(pause.out).toContain('level low: paused by operator');
    const paused = JSON.parse((await ladder(['status', '--json'], port)).out) as LadderState;
    expect(paused.levels.find((l) => l.name === 'low')?.state).toBe('paused');
    const resume = await ladder(['resume', '2', '--url', `http://127.0.0.1:${port}`], port);
    expect(resume.code, resume.err).toBe(0);
    expect(resume.out).toContain('level low: resumed');

    const report = await ladder(['report', '--json'], port);
    expect(report.code, report.err).toBe(0);
    expect(JSON.parse(report.out)).toHaveProperty('levels');
  }, 120_000);

  it('a target or level the ladder does not have is bad input: exit 2, naming what it has', async () => {
    const target = await ladder(['breaker', 'open', 'simulated/nope'], port);
    expect(target.code).toBe(2);
    expect(target.err).toContain(
      `the ladder at http://127.0.0.1:${port} has no target "simulated/nope"`,
    );
    expect(target.err).toContain('simulated/opus-sim');
    const level = await ladder(['pause', 'middle'], port);
    expect(level.code).toBe(2);
    expect(level.err).toContain('levels: 1 top, 2 low, 3 static');
  }, 60_000);

  it('with a ./ladder.yaml in the folder, a missing target names that file and the way to the API', async () => {
    // A newcomer who wrote the README's first ladder.yaml next to the running demo.
    const own = writeConfigFile({
      redis: { url: inject('redisUrl'), prefix: testPrefix() },
      levels: [
        { name: 'basic', targets: ['simulated/haiku-sim'] },
        { name: 'static', serve: 'static', message: 'Service temporarily limited' },
      ],
    });
    const open = await ladder(['breaker', 'open', 'simulated/opus-sim'], port, dirname(own));
    expect(open.code).toBe(2);
    expect(open.err).toContain('the ladder of ./ladder.yaml has no target "simulated/opus-sim"');
    expect(open.err).toContain(`--url http://127.0.0.1:${port} talks to the API`);
  }, 60_000);

  it('with nothing running and no ladder.yaml: exit 3, and no config file suggested', async () => {
    const nothing = await ladder(['status'], await freePort());
    expect(nothing.code).toBe(3);
    expect(nothing.err).toContain('no ladder to talk to');
    expect(nothing.err).toContain('npm start');
    expect(nothing.err).not.toContain('.yaml is a start');
    expect(nothing.err).not.toContain('ladder.example.yaml');
  }, 60_000);

  it('--version prints the package version', async () => {
    const version = await ladder(['--version'], port);
    expect(version.code).toBe(0);
    expect(version.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  }, 60_000);
});
