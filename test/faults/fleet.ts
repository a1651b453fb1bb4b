import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { runLadder, type LadderProcess } from '../helpers/processes.js';

/** Resident memory of a process in MiB, from /proc (Linux); 0 when it is gone. */
export function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Real `ladder` processes on one config: spawned, killed at random, stopped, their output kept. */
export class Fleet {
  readonly all: LadderProcess[] = [];
  private readonly dead = new Set<LadderProcess>();
  kills = 0;

  constructor(
    private readonly configPath: string,
    private readonly env: Record<string, string> = {},
  ) {}

  spawn(args: string[]): LadderProcess {
    const p = runLadder([...args, '--config', this.configPath], this.env);
    void p.exited().then(() => this.dead.add(p));
    this.all.push(p);
    return p;
  }

  live(): LadderProcess[] {
    return this.all.filter((p) => !this.dead.has(p));
  }

  /** SIGKILLs one live process matching `filter`, chosen at random; answers it. */
  async killRandom(
    random: () => number,
    filter: (p: LadderProcess) => boolean = () => true,
  ): Promise<LadderProcess | undefined> {
    const candidates = this.live().filter(filter);
    const victim = candidates[Math.floor(random() * candidates.length)];
    if (!victim) return undefined;
    victim.child.kill('SIGKILL');
    await victim.exited();
    this.kills++;
    return victim;
  }

  /**
   * The processes a scenario runs on: an API on `apiPort` (when given) and `workers` worker
   * processes serving `levels` (with `workerArgs`), spawned together; answers once every one is up.
   */
  async start(options: {
    apiPort?: number;
    workers: number;
    levels: readonly string[];
    workerArgs?: readonly string[];
  }): Promise<{ api: LadderProcess | undefined; workers: LadderProcess[] }> {
    const api =
      options.apiPort === undefined
        ? undefined
        : this.spawn(['api', '--port', String(options.apiPort)]);
    const workers = Array.from({ length: options.workers }, () =>
      this.spawn(['worker', ...levelArgs(options.levels), ...(options.workerArgs ?? [])]),
    );
    await Promise.all([
      api?.waitFor('API listening', 30_000),
      ...workers.map((w) => w.waitFor('workers started', 30_000)),
    ]);
    return { api, workers };
  }

  /** Everything every process printed. */
  output(): string {
    return this.all.map((p) => p.output()).join('\n');
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.live().map(async (p) => {
        p.child.kill('SIGTERM');
        const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
        await p.exited();
        clearTimeout(timer);
      }),
    );
  }
}

/** `--level` arguments for a worker serving `names`. */
export function levelArgs(names: readonly string[]): string[] {
  return names.flatMap((name) => ['--level', name]);
}

/** Jobs still waiting, active or delayed in the level queues (should be none at the end). */
export async function leftoverJobs(
  url: string,
  prefix: string,
  levels: string[],
  settleMs = 3_000,
): Promise<Record<string, number>> {
  const queues = levels.map((name) => new Queue(name, { connection: { url }, prefix }));
  const until = Date.now() + settleMs;
  try {
    for (;;) {
      const left: Record<string, number> = {};
      for (const queue of queues) {
        const counts = await queue.getJobCounts(
          'waiting',
          'active',
          'delayed',
          'prioritized',
          'waiting-children',
        );
        const total = Object.values(counts).reduce((a, b) => a + b, 0);
        if (total > 0) left[queue.name] = total;
      }
      // A job whose result is final may still be finishing in BullMQ for a moment.
      if (Object.keys(left).length === 0 || Date.now() > until) return left;
      await sleep(100);
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}

/** A seeded PRNG (mulberry32), so a failing run can be replayed from the seed it prints. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Output lines that look like a crash or a bug rather than an expected, handled fault. */
export function crashLines(output: string): string[] {
  return output
    .split('\n')
    .filter((l) =>
      /unhandled|uncaught|TypeError|ReferenceError|RangeError|SyntaxError: (?!Unexpected token)|FATAL/i.test(
        l,
      ),
    )
    .slice(0, 20);
}
