import type { JobsOptions } from 'bullmq';
import { createMemoryBreakers } from '../../src/breaker/memory-breakers.js';
import type { StoreBreakers } from '../../src/breaker/store-breakers.js';
import type { CachedResponse } from '../../src/cache/response-cache.js';
import { buildConfig } from '../../src/config/load.js';
import type { LadderConfig, LevelConfig } from '../../src/config/types.js';
import type { JobResult } from '../../src/ladder/result.js';
import type { Unavailable } from '../../src/levels/availability.js';
import { InvalidOutputStreaks } from '../../src/output/invalid-streak.js';
import type { CompleteArgs } from '../../src/providers/call-args.js';
import type { Completion, Provider } from '../../src/providers/contract.js';
import { ProviderError, type ErrorKind } from '../../src/providers/provider-error.js';
import type { ErrorClass } from '../../src/ladder/literals.js';
import { MemoryResultStore } from '../../src/results/memory-result-store.js';
import { createLogger } from '../../src/util/log.js';
import type { LevelJob, WorkerContext } from '../../src/workers/context.js';
import { bullJobId } from '../../src/jobs/bull-job-id.js';

/** A clock whose sleeps pass at once: time moves only when a sleep or the test moves it. */
export class FakeClock {
  readonly sleeps: number[] = [];
  constructor(public t = Date.parse('2026-01-01T00:00:00.000Z')) {}
  now = (): number => this.t;
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.t += ms;
  };
}

/** What a scripted call does: answer, fail, or run some code first (as the world moves on). */
export type Turn = string | ProviderError | ((args: CompleteArgs) => Promise<string> | string);

/** A provider that answers each model from a script, one turn per call; the last turn repeats. */
export class ScriptedProvider implements Provider {
  readonly calls: string[] = [];
  private readonly scripts = new Map<string, Turn[]>();
  constructor(readonly name: string) {}

  script(model: string, ...turns: Turn[]): this {
    this.scripts.set(model, turns);
    return this;
  }

  async complete(args: CompleteArgs): Promise<Completion> {
    this.calls.push(args.model);
    const turns = this.scripts.get(args.model) ?? ['ok'];
    const turn = turns.length > 1 ? turns.shift() : turns[0];
    if (turn instanceof ProviderError) throw turn;
    const text = typeof turn === 'function' ? await turn(args) : (turn ?? 'ok');
    return {
      output: { text, tool_calls: [], stop_reason: 'end_turn', raw_stop_reason: 'stop' },
      usage: { input_tokens: 1, output_tokens: 1 },
    };
  }
}

export function providerError(
  init: { status?: number; errorClass?: ErrorClass; kind?: ErrorKind; retryAfterMs?: number } = {},
): ProviderError {
  return new ProviderError({
    provider: 'openai',
    model: 'm',
    message: `failed with ${init.status ?? 'no status'}`,
    errorClass: init.errorClass ?? 'transient',
    kind: init.kind ?? 'status',
    status: init.status ?? 503,
    retryAfterMs: init.retryAfterMs ?? null,
  });
}

/** Three LLM levels (two targets on the first), a cache level and a static floor. */
export function loopConfig(fallback: Record<string, unknown> = {}): LadderConfig {
  return buildConfig(
    {
      providers: { openai: { api_key: 'sk-test' }, google: { api_key: 'g-test' } },
      levels: [
        { name: 'full', targets: ['openai/big', 'google/big'] },
        { name: 'reduced', targets: ['openai/small'] },
        { name: 'cached', serve: 'cache' },
        { name: 'static', serve: 'static', message: 'try again later' },
      ],
      fallback: {
        max_retries: 2,
        base_delay_ms: 100,
        max_delay_ms: 1_000,
        backoff: 'fixed',
        ...fallback,
      },
      redis: { url: 'redis://127.0.0.1:1', prefix: 'unit' },
    },
    { source: 'unit.yaml', env: {} },
  );
}

export interface LoopHarness {
  config: LadderConfig;
  ctx: WorkerContext;
  results: MemoryResultStore;
  clock: FakeClock;
  openai: ScriptedProvider;
  google: ScriptedProvider;
  breakers: StoreBreakers;
  /** Levels the availability says are down, by name. */
  down: Map<string, Unavailable>;
  cache: Map<string, CachedResponse>;
  /** Jobs added to a level's queue (moved down or repaired). */
  added: { queue: string; data: unknown; options: JobsOptions }[];
  finished: JobResult[];
  shutdown: AbortController;
  level(name: string): LevelConfig;
  close(): Promise<void>;
}

/** A worker context with nothing outside this process: memory breakers and result store, a fake clock. */
export async function loopHarness(config = loopConfig()): Promise<LoopHarness> {
  const clock = new FakeClock();
  const results = new MemoryResultStore();
  const logger = createLogger('test', 'silent');
  const breakers = await createMemoryBreakers({ config: config.breaker, now: clock.now, logger });
  const openai = new ScriptedProvider('openai');
  const google = new ScriptedProvider('google');
  const down = new Map<string, Unavailable>();
  const cache = new Map<string, CachedResponse>();
  const added: LoopHarness['added'] = [];
  const finished: JobResult[] = [];
  const shutdown = new AbortController();
  const ctx: WorkerContext = {
    levels: config.levels,
    fallback: config.fallback,
    providerSettings: config.providers,
    providers: { get: (name) => ({ openai, google })[name] },
    breakers,
    availability: { unavailable: (level) => down.get(level.name) ?? null },
    results,
    cache: {
      get: async (hash) => cache.get(hash) ?? null,
      entry: (hash, response) => ({ key: hash, json: JSON.stringify(response), ttlSeconds: 60 }),
    },
    queue: (queue) => ({
      add: async (_name, data, options) => {
        added.push({ queue, data, options });
        return undefined;
      },
    }),
    cost: () => 0.5,
    invalidOutput: new InvalidOutputStreaks(config.breaker.invalidOutputThreshold),
    observer: { jobFinished: (record) => finished.push(record) },
    clock,
    logger,
    random: () => 1,
    shutdown: shutdown.signal,
  };
  const level = (name: string): LevelConfig => {
    const found = config.levels.find((l) => l.name === name);
    if (!found) throw new Error(`no level ${name}`);
    return found;
  };
  return {
    config,
    ctx,
    results,
    clock,
    openai,
    google,
    breakers,
    down,
    cache,
    added,
    finished,
    shutdown,
    level,
    close: () => breakers.close(),
  };
}

/** A BullMQ job as the worker sees it, recording what the loop did to it. */
export function bullJob(
  h: LoopHarness,
  input: Record<string, unknown>,
  at = 'full',
): LevelJob & { moves: string[] } {
  const moves: string[] = [];
  const id = typeof input.id === 'string' ? input.id : 'job-1';
  return {
    id: bullJobId(id),
    data: { id, request: { messages: [{ role: 'user', content: 'hi' }] }, ...input },
    timestamp: h.clock.now(),
    queueName: at,
    moves,
    updateData: async () => {
      moves.push('updateData');
    },
    moveToDelayed: async (ts: number) => {
      moves.push(`delayed until +${ts - h.clock.now()}`);
    },
    moveToWait: async () => {
      moves.push('wait');
      return 0;
    },
  };
}
