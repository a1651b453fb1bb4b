import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { until } from './stats.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** A worker child process under measurement. */
export interface BenchChild {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Resident set size in kB, from /proc/<pid>/status (VmRSS). */
  rssKb(): number;
  /** CPU time used so far (user + system), in ms, from /proc/<pid>/stat. */
  cpuMs(): number;
  stop(): Promise<void>;
  /** Resolves when the process has exited, by itself or stopped. */
  exited(): Promise<void>;
}

/**
 * The ladder's own processes run from the build (`bin/ladder.js`, dist/), as users run them: through
 * tsx every closure the ladder makes per job would also pay esbuild's `__name` wrapper, which the
 * build does not have and the bare side (BullMQ's own JavaScript) never pays. run.ts builds dist/
 * first, so it is the code of this checkout.
 */
const LADDER_BIN = join(ROOT, 'bin/ladder.js');

function spawnTs(
  args: string[],
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): BenchChild {
  return spawnNode(['--import', 'tsx', ...args], env, nodeArgs);
}

function spawnNode(
  args: string[],
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): BenchChild {
  // Logging at info would print a line per job and measure pino instead of the ladder.
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const keep = (chunk: Buffer): void => {
    // Only the tail matters (for a crash report); do not let a chatty child grow the bench's memory.
    text = (text + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`bench: could not spawn ${args.join(' ')}`);
  return {
    child,
    pid,
    output: () => text,
    rssKb() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    },
    cpuMs() {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and
      // 13th of them, in clock ticks (100 a second on Linux).
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    },
    exited: () => exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `ladder worker` from the built CLI, as users run it. */
export function spawnLadderWorker(input: {
  configPath: string;
  levels: string[];
  concurrency: number;
  nodeArgs?: readonly string[];
}): BenchChild {
  const levelArgs = input.levels.flatMap((l) => ['--level', l]);
  return spawnNode(
    [
      LADDER_BIN,
      'worker',
      '--config',
      input.configPath,
      ...levelArgs,
      '--concurrency',
      String(input.concurrency),
    ],
    {},
    input.nodeArgs,
  );
}

/** Any `ladder` command as a child process, from the build. */
export function spawnLadderCli(args: readonly string[], nodeArgs?: readonly string[]): BenchChild {
  return spawnNode([LADDER_BIN, ...args], {}, nodeArgs);
}

/** `ladder api` from the CLI: the HTTP API in its own process. */
export function spawnLadderApi(input: {
  configPath: string;
  port: number;
  nodeArgs?: readonly string[];
}): BenchChild {
  return spawnLadderCli(
    ['api', '--config', input.configPath, '--port', String(input.port)],
    input.nodeArgs,
  );
}

/** The bare Express + `queue.add` API (bench/workers/bare-api.ts). */
export function spawnBareApi(input: { url: string; prefix: string; port: number }): BenchChild {
  return spawnTs(
    [join(ROOT, 'bench/workers/bare-api.ts'), input.url, input.prefix, String(input.port)],
    {},
  );
}

/** The autocannon load generator (bench/workers/load.ts); its JSON summary is its last line. */
export function spawnLoad(input: {
  url: string;
  connections: number;
  seconds: number;
  token: string;
}): BenchChild {
  return spawnTs(
    [
      join(ROOT, 'bench/workers/load.ts'),
      input.url,
      String(input.connections),
      String(input.seconds),
      input.token,
    ],
    {},
  );
}

/** A bare BullMQ worker with a no-op processor (bench/workers/bare-worker.ts). */
export function spawnBareWorker(input: {
  url: string;
  prefix: string;
  queue: string;
  concurrency: number;
  delayMs?: number;
  nodeArgs?: readonly string[];
}): BenchChild {
  const args = [
    input.url,
    input.prefix,
    input.queue,
    String(input.concurrency),
    String(input.delayMs ?? 0),
  ];
  return spawnTs([join(ROOT, 'bench/workers/bare-worker.ts'), ...args], {}, input.nodeArgs);
}

/** Waits until `count` workers are connected to the queue (BullMQ names their connections). */
export async function waitForWorkers(
  queue: Queue,
  count: number,
  children: readonly BenchChild[],
): Promise<void> {
  await until(
    async () => {
      for (const c of children) {
        if (c.child.exitCode !== null)
          throw new Error(`bench: a worker exited early:\n${c.output()}`);
      }
      return (await queue.getWorkersCount()) >= count;
    },
    { timeoutMs: 60_000, everyMs: 50, what: `${count} workers on ${queue.name}` },
  );
}

export async function stopAll(children: readonly BenchChild[]): Promise<void> {
  await Promise.all(children.map((c) => c.stop()));
}
