/**
 * CPU per streamed answer in `ladder api` and `ladder worker` (and Redis, and the bench's own
 * client + fake provider), over bursts of WIDTH streams at once: the `streaming` scenario's
 * 16-stream shape, with the API's and the worker's processes warmed first. Not a scenario: a tool
 * to split a stream's cost and to A/B a change against another checkout's build.
 *
 *   node --import tsx bench/stream-cpu.ts [ROOT...]
 *
 * Each ROOT is a checkout with a built dist/ (default: this one); rounds alternate between them,
 * each on fresh processes. Per round: 5 warm-up bursts, then REPEAT passes over PIECES; only the
 * last pass is kept (the earlier ones warm V8's JIT, which otherwise takes a third of the CPU).
 * Env: ROUNDS (3), BURSTS per pass (20), WIDTH (16), PIECES (24,1: pieces per answer; the
 * difference gives the per-piece cost), REPEAT (1), DIRECT=0 (skip the same bursts against the
 * fake provider directly, whose first token and bench CPU are printed beside), PROF=1 (--cpu-prof
 * of both processes over the last pass; FRAMES frames printed), PERF=<file> (perf record of both
 * over the last pass), NODE_ARGS (e.g. --perf-basic-prof-only-functions for PERF).
 * COMMANDS=1 prints Redis commands per stream (INFO commandstats, every client's).
 * Read and write system calls per stream come from /proc/<pid>/io, kernel time from
 * /proc/<pid>/stat (10 ms ticks), CPU from every thread's /proc/<pid>/task/<tid>/schedstat.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import OpenAI from 'openai';
import { startFakeProvider, streamed } from '../test/helpers/fake-provider/server.js';
import { writeConfigFile } from '../test/helpers/processes.js';
import { freePort } from '../test/helpers/redis-server.js';
import { summariseProfiles } from './harness/cpu-profile.js';
import { BENCH_TOKEN } from './harness/ladder-config.js';
import { startBenchRedis } from './harness/redis.js';
import { percentile } from './harness/stats.js';

const ROOTS = process.argv.slice(2).map((r) => resolve(r));
if (ROOTS.length === 0) ROOTS.push(resolve(import.meta.dirname, '..'));
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const BURSTS = Number(process.env.BURSTS ?? 20);
const WIDTH = Number(process.env.WIDTH ?? 16);
const PIECES = (process.env.PIECES ?? '24,1').split(',').map(Number);
const PROF = process.env.PROF === '1';
const DIRECT = process.env.DIRECT !== '0';
const PACE = { delayMs: 10, chunkDelayMs: 2 };

/** ns on CPU of every thread of a process (/proc/<pid>/task/<tid>/schedstat, first field). */
function cpuNs(pid: number): number {
  let sum = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      sum += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended meanwhile
    }
  }
  return sum;
}

/** Read and write system calls of a process so far (/proc/<pid>/io). */
function syscalls(pid: number): [number, number] {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  return [Number(/syscr: (\d+)/.exec(io)?.[1]), Number(/syscw: (\d+)/.exec(io)?.[1])];
}

/** Kernel (system) CPU ms so far, from /proc/<pid>/stat. */
function sysMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[12]) * 10;
}

/** Calls per Redis command so far (INFO commandstats), e.g. `client|unblock`, `xread`. */
async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const m of (await redis.info('commandstats')).matchAll(/cmdstat_([^:]+):calls=(\d+)/g))
    calls.set(m[1] ?? '', Number(m[2]));
  return calls;
}

function spawnLadder(root: string, args: string[], nodeArgs: string[]): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'bin/ladder.js'), ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await exited;
}

const words = (n: number): string =>
  Array.from({ length: n }, (_, i) => `word${i}`).join(' ') + '.';

async function once(client: OpenAI, model: string): Promise<number> {
  const started = performance.now();
  let first = Number.NaN;
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'Stream twenty-four words' }],
    stream: true,
  });
  for await (const chunk of stream) {
    if ((chunk.choices[0]?.delta.content ?? '') !== '' && Number.isNaN(first))
      first = performance.now() - started;
  }
  return first;
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

async function main(): Promise<void> {
  const redis = await startBenchRedis();
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.client.info('server'))?.[1]);
  const fake = await startFakeProvider();
  for (const n of PIECES) fake.setDefault('openai', `gpt-${n}`, streamed(words(n), PACE));
  const results = new Map<string, Map<number, number[][]>>();
  let seq = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? ROOTS : [...ROOTS].reverse();
      for (const root of order) {
        seq += 1;
        const data = {
          redis: { url: redis.url, prefix: `scpu${seq}` },
          providers: {
            openai: { api_key: 'sk-bench', base_url: fake.baseUrls.openai, timeout_ms: 10_000 },
          },
          levels: [{ name: 'full', targets: PIECES.map((n) => `openai/gpt-${n}`) }],
          worker: { concurrency: 64 },
          breaker: { failure_threshold: 1_000_000 },
          fallback: { max_retries: 0, stream_idle_ms: 2_000 },
          api: { tokens: [BENCH_TOKEN], sync_timeout_ms: 60_000 },
        };
        const configPath = writeConfigFile(data);
        const port = await freePort();
        const profDir = PROF
          ? mkdtempSync(join(resolve(import.meta.dirname, 'tmp'), 'stream-prof-'))
          : '';
        if (PROF) {
          mkdirSync(join(profDir, 'api'));
          mkdirSync(join(profDir, 'worker'));
        }
        const extra = process.env.NODE_ARGS ? process.env.NODE_ARGS.split(' ') : [];
        const prof = (w: string): string[] => [
          ...extra,
          ...(PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(profDir, w)}`] : []),
        ];
        const api = spawnLadder(
          root,
          ['api', '--config', configPath, '--port', String(port)],
          prof('api'),
        );
        const worker = spawnLadder(
          root,
          ['worker', '--config', configPath, '--level', 'full', '--concurrency', '64'],
          prof('worker'),
        );
        const client = new OpenAI({
          baseURL: `http://127.0.0.1:${port}/v1`,
          apiKey: BENCH_TOKEN,
          maxRetries: 0,
          timeout: 60_000,
        });
        const bare = new OpenAI({
          baseURL: fake.baseUrls.openai,
          apiKey: 'sk-bench',
          maxRetries: 0,
          timeout: 60_000,
        });
        for (let i = 0; ; i++) {
          const ok = await fetch(`http://127.0.0.1:${port}/readyz`)
            .then((r) => r.ok)
            .catch(() => false);
          if (ok) break;
          if (i > 600) throw new Error('api not ready');
          await new Promise((r) => setTimeout(r, 100));
        }
        // Warm up: connections, JIT; the worker connected.
        for (let w = 0; w < 5; w++)
          await Promise.all(
            Array.from({ length: WIDTH }, () => once(client, `openai/gpt-${PIECES[0]}`)),
          );
        let perf: ChildProcess | null = null;
        const window = { fromUs: nowUs(), toUs: 0 };
        const line: string[] = [];
        const passes = Array.from({ length: Number(process.env.REPEAT ?? 1) }, () => PIECES).flat();
        for (const [pass, n] of passes.entries()) {
          // Profiles cover the last pass only: the earlier ones warm the JIT.
          if (pass === passes.length - PIECES.length) {
            perf = process.env.PERF
              ? spawn(
                  'perf',
                  [
                    'record',
                    '-F',
                    '1999',
                    '-g',
                    '-o',
                    `${process.env.PERF}.${seq}`,
                    '-p',
                    `${api.pid},${worker.pid}`,
                  ],
                  { stdio: 'ignore' },
                )
              : null;
            if (perf) await new Promise((r) => setTimeout(r, 500));
            window.fromUs = nowUs();
          }
          const pids = { api: api.pid ?? 0, worker: worker.pid ?? 0, redis: redisPid };
          const before = {
            api: cpuNs(pids.api),
            worker: cpuNs(pids.worker),
            redis: cpuNs(pids.redis),
            bench: process.cpuUsage(),
            commands: await commandCalls(redis.client),
            io: [syscalls(pids.api), syscalls(pids.worker), syscalls(pids.redis)],
            sys: [sysMs(pids.api), sysMs(pids.worker), sysMs(pids.redis)],
          };
          const ttft: number[] = [];
          for (let b = 0; b < BURSTS; b++) {
            ttft.push(
              ...(await Promise.all(
                Array.from({ length: WIDTH }, () => once(client, `openai/gpt-${n}`)),
              )),
            );
          }
          const streams = BURSTS * WIDTH;
          const bench = process.cpuUsage(before.bench);
          const commandsAfter = await commandCalls(redis.client);
          const perCommand = [...commandsAfter]
            .map(([name, calls]): [string, number] => [
              name,
              (calls - (before.commands.get(name) ?? 0)) / (BURSTS * WIDTH),
            ])
            .filter(([name, per]) => per >= 0.05 && name !== 'info')
            .sort((a, b) => b[1] - a[1])
            .map(([name, per]) => `${name} ${per.toFixed(2)}`)
            .join(', ');
          const io = [pids.api, pids.worker, pids.redis].map((pid, i) => {
            const [r, w] = syscalls(pid);
            const [r0, w0] = before.io[i] ?? [0, 0];
            const sys = ((sysMs(pid) - (before.sys[i] ?? 0)) * 1000) / streams;
            return `${((r - r0) / streams).toFixed(1)}r/${((w - w0) / streams).toFixed(1)}w sys ${sys.toFixed(0)}us`;
          });
          const beforeApi = cpuNs(pids.api);
          const beforeWorker = cpuNs(pids.worker);
          const direct: number[] = [];
          const benchDirect = process.cpuUsage();
          if (DIRECT)
            for (let b = 0; b < BURSTS; b++) {
              direct.push(
                ...(await Promise.all(Array.from({ length: WIDTH }, () => once(bare, `gpt-${n}`)))),
              );
            }
          const benchDirectUs = process.cpuUsage(benchDirect);
          const directPer = (benchDirectUs.user + benchDirectUs.system) / streams;
          const idleCpu = (cpuNs(pids.api) - beforeApi + cpuNs(pids.worker) - beforeWorker) / 1e6;
          const per = [
            (cpuNs(pids.api) - before.api) / streams / 1000,
            (cpuNs(pids.worker) - before.worker) / streams / 1000,
            (cpuNs(pids.redis) - before.redis) / streams / 1000,
            (bench.user + bench.system) / streams,
          ];
          const key = root;
          const byPieces = results.get(key) ?? new Map<number, number[][]>();
          results.set(key, byPieces);
          // Only the last pass of each count is kept: the earlier ones warm the JIT.
          if (pass >= passes.length - PIECES.length)
            byPieces.set(n, [...(byPieces.get(n) ?? []), per]);
          line.push(
            `${n}p api ${per[0]?.toFixed(0)} worker ${per[1]?.toFixed(0)} redis ${per[2]?.toFixed(0)} bench ${per[3]?.toFixed(0)} us; syscalls api ${io[0]} worker ${io[1]} redis ${io[2]}; ${process.env.COMMANDS === '1' ? `commands ${perCommand}; ` : ''}ttft p50 ${percentile(ttft, 50).toFixed(1)} p99 ${percentile(ttft, 99).toFixed(1)}${DIRECT ? ` direct ${percentile(direct, 50).toFixed(1)} / ${percentile(direct, 99).toFixed(1)}, bench ${directPer.toFixed(0)} us (idle ladder cpu ${idleCpu.toFixed(0)} ms)` : ''}`,
          );
        }
        window.toUs = nowUs();
        if (perf) {
          const p = perf;
          const done = new Promise<void>((r) => p.once('exit', () => r()));
          p.kill('SIGINT');
          await done;
        }
        await stop(api);
        await stop(worker);
        console.log(`round ${round} ${root}: ${line.join(' | ')}`);
        if (PROF) {
          writeFileSync(join(profDir, 'window'), `${window.fromUs} ${window.toUs}`);
          for (const w of ['api', 'worker']) {
            const s = summariseProfiles(join(profDir, w), Number(process.env.FRAMES ?? 30), window);
            console.log(`  ${w} profile (${profDir}/${w}): idle ${(s.idle * 100).toFixed(1)}%`);
            for (const p of s.places.slice(0, 12))
              console.log(`    ${(p.share * 100).toFixed(1)}%  ${p.frame}`);
            console.log('   frames:');
            for (const f of s.frames) console.log(`    ${(f.share * 100).toFixed(1)}%  ${f.frame}`);
          }
        }
      }
    }
  } finally {
    await fake.close();
    await redis.dispose();
  }
  console.log(
    `\nmedian CPU per stream (us), ${WIDTH} at once, ${BURSTS} bursts, ${ROUNDS} rounds:`,
  );
  for (const [root, byPieces] of results) {
    for (const [n, runs] of byPieces) {
      const col = (i: number): string => {
        const v = runs.map((r) => r[i] ?? 0).sort((a, b) => a - b);
        return `${percentile(v, 50).toFixed(0)} (${v[0]?.toFixed(0)}-${v.at(-1)?.toFixed(0)})`;
      };
      console.log(`${root} ${n}p: api ${col(0)} worker ${col(1)} redis ${col(2)} bench ${col(3)}`);
    }
  }
}

await main();
