import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { freePort } from '../helpers/redis-server.js';
import { testPrefix } from '../helpers/ladder.js';
import { runLadder, writeConfigFile, type LadderProcess } from '../helpers/processes.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TOKEN = 'cli-test-token-0123456789';

/** Runs one CLI command to completion. */
function ladder(
  args: string[],
  input?: string,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdin.end(input ?? '');
    child.on('exit', (code) => done({ code, out, err }));
  });
}

let server: LadderProcess;
let url: string;
let configPath: string;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  configPath = writeConfigFile({
    redis: { url: inject('redisUrl'), prefix: testPrefix() },
    providers: { simulated: { latency_ms: 5 } },
    levels: [
      { name: 'full', targets: ['simulated/opus-sim'] },
      { name: 'basic', targets: ['simulated/haiku-sim'] },
      { name: 'static', serve: 'static', message: 'Service temporarily limited' },
    ],
    api: { tokens: [TOKEN] },
  });
  server = runLadder(['start', '--config', configPath, '--port', String(port)]);
  await server.waitFor('API listening', 30_000);
}, 60_000);

afterAll(async () => {
  server.child.kill('SIGTERM');
  expect(await server.exited()).toBe(0);
});

// Each test runs several `ladder` child processes (tsx compiles each on start): on a busy 2-core
// runner that alone took past vitest's default 30 s.
describe('the ladder CLI against a running `ladder start`', { timeout: 120_000 }, () => {
  it('enqueue --wait prints the answer and the level that served it (over HTTP)', async () => {
    const { code, out } = await ladder([
      'enqueue',
      'What is the capital of France?',
      '--wait',
      '--url',
      url,
      '--token',
      TOKEN,
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/level 1 full \(simulated\/opus-sim\)/);
  });

  it('enqueue --stream prints the answer as it comes, then where it came from', async () => {
    const args = ['enqueue', 'Stream me a sentence', '--stream', '--url', url, '--token', TOKEN];
    const { code, out } = await ladder(args);
    expect(code).toBe(0);
    const [answer, trailer] = out.split('\n\n— ');
    expect(answer?.trim().length).toBeGreaterThan(0);
    expect(trailer).toMatch(/^level 1 full \(simulated\/opus-sim\)/);
    const events = await ladder([...args, '--json']);
    const types = events.out
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types[0]).toBe('delta');
    expect(types.at(-1)).toBe('final');
  });

  it('enqueue reads the prompt from stdin and goes through Redis with the config', async () => {
    const { code, out } = await ladder(
      ['enqueue', '--wait', '--level', 'basic', '--config', configPath],
      'from stdin',
    );
    expect(code).toBe(0);
    expect(out).toMatch(/level 2 basic \(simulated\/haiku-sim\)/);
  });

  it('enqueue --schema FILE serves JSON valid against it, and names a bad schema path', async () => {
    const dir = dirname(configPath);
    const schemaPath = join(dir, 'city.schema.json');
    writeFileSync(
      schemaPath,
      JSON.stringify({
        type: 'object',
        properties: { city: { type: 'string' }, rank: { type: 'integer' } },
        required: ['city', 'rank'],
      }),
    );
    const served = await ladder([
      'enqueue',
      'Largest city of France?',
      '--schema',
      schemaPath,
      '--wait',
      '--json',
      '--config',
      configPath,
    ]);
    expect(served.code).toBe(0);
    const result = JSON.parse(served.out) as { output: { parsed: unknown } };
    expect(result.output.parsed).toEqual({ city: expect.any(String) as string, rank: 1 });

    const badPath = join(dir, 'bad.json');
    writeFileSync(
      badPath,
      JSON.stringify({ type: 'object', properties: { n: { type: 'numbr' } } }),
    );
    const refused = await ladder(['enqueue', 'x', '--schema', badPath, '--config', configPath]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('request.response_format.json_schema.schema');
  });

  it('status draws the ladder, and --json gives the ladder state', async () => {
    const text = await ladder(['status', '--url', url, '--token', TOKEN]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/1 full\s+llm\s+LIVE/);
    expect(text.out).toContain('simulated/opus-sim');
    const json = await ladder(['status', '--json', '--config', configPath]);
    const state = JSON.parse(json.out) as { levels: { name: string; state: string }[] };
    expect(state.levels.map((l) => `${l.name}:${l.state}`)).toEqual([
      'full:live',
      'basic:live',
      'static:live',
    ]);
  });

  it('breaker open sends new jobs down a level; auto brings them back', async () => {
    expect(
      (await ladder(['breaker', 'open', 'simulated/opus-sim', '--url', url, '--token', TOKEN]))
        .code,
    ).toBe(0);
    const down = await ladder([
      'enqueue',
      'while forced open',
      '--wait',
      '--url',
      url,
      '--token',
      TOKEN,
    ]);
    expect(down.out).toMatch(/level 2 basic .*degraded/);
    expect(
      (await ladder(['breaker', 'auto', 'simulated/opus-sim', '--url', url, '--token', TOKEN]))
        .code,
    ).toBe(0);
    // The level is back once every process has seen the breaker leave its forced state.
    await expect
      .poll(
        async () => {
          const answer = await fetch(`${url}/v1/ladder`, {
            headers: { authorization: `Bearer ${TOKEN}` },
          });
          const state = (await answer.json()) as { levels: { state: string }[] };
          return state.levels[0]?.state;
        },
        { timeout: 10_000, interval: 50 },
      )
      .toBe('live');
    const back = await ladder(['enqueue', 'after auto', '--wait', '--url', url, '--token', TOKEN]);
    expect(back.out).toMatch(/level 1 full/);
  });

  it('report prints a table and, with --json, the report of the jobs served so far', async () => {
    const table = await ladder(['report', '--since', '1h', '--url', url, '--token', TOKEN]);
    expect(table.code).toBe(0);
    expect(table.out).toContain('llm-ladder report');
    expect(table.out).toMatch(/1 full/);
    const json = await ladder(['report', '--json', '--config', configPath]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out) as {
      jobs: { total: number };
      levels: { name: string; jobs: number }[];
      cost: { actual_usd: number };
    };
    // The tests above served jobs at full and basic; the report counts them.
    expect(report.jobs.total).toBeGreaterThanOrEqual(4);
    expect(report.levels.find((l) => l.name === 'full')?.jobs).toBeGreaterThanOrEqual(2);
    expect(report.levels.find((l) => l.name === 'basic')?.jobs).toBeGreaterThanOrEqual(2);
    expect(typeof report.cost.actual_usd).toBe('number');
  });

  it('refuses bad input with a clear message and a non-zero exit', async () => {
    const noToken = await ladder(['status', '--url', url]);
    expect(noToken.code).not.toBe(0);
    const badAction = await ladder([
      'breaker',
      'explode',
      'simulated/opus-sim',
      '--url',
      url,
      '--token',
      TOKEN,
    ]);
    expect(badAction.code).toBe(2);
    expect(badAction.err).toContain('use open, close or auto');
    const badLevel = await ladder([
      'enqueue',
      'x',
      '--level',
      'nope',
      '--url',
      url,
      '--token',
      TOKEN,
    ]);
    expect(badLevel.code).toBe(2);
    expect(badLevel.err).toContain('level');
    const badConfig = writeConfigFile({
      levels: [{ name: 'full', targets: ['simulated/x'] }],
      breaker: { failure_rate: 1.5 },
    });
    const config = await ladder(['status', '--config', badConfig]);
    expect(config.code).toBe(2);
    expect(config.err).toContain('breaker.failure_rate: expected');
    expect(config.err).toContain('found 1.5');
  });

  it('every command has --help', () => {
    const program = buildProgram();
    const names = program.commands.map((c) => c.name());
    expect(names).toEqual(
      expect.arrayContaining([
        'start',
        'api',
        'worker',
        'demo',
        'status',
        'breaker',
        'enqueue',
        'report',
        'pause',
        'resume',
      ]),
    );
    for (const command of program.commands) {
      expect(command.helpInformation(), command.name()).toContain(
        `Usage: ladder ${command.name()}`,
      );
      expect(command.description(), command.name()).not.toBe('');
    }
  });
});
