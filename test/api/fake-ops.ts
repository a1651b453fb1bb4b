import type { BreakerAction, BreakerSnapshot } from '../../src/breaker/types.js';
import { parseJob, type JobInput, type JobProblem } from '../../src/ladder/job-schema.js';
import { isFinal, type JobResult } from '../../src/ladder/result.js';
import type { LadderState, LevelState } from '../../src/ladder/state.js';
import {
  JobValidationError,
  LadderUnavailableError,
  QueueFullError,
} from '../../src/producer/errors.js';
import type { EnqueueAnswer, LadderOps, ResultOptions } from '../../src/producer/ladder-ops.js';

const NOW = '2025-01-01T00:00:00.000Z';

function breaker(
  state: BreakerSnapshot['state'],
  extra: Partial<BreakerSnapshot> = {},
): BreakerSnapshot {
  return {
    state,
    since: NOW,
    calls: 10,
    failures: 0,
    last_errors: [],
    half_open_at: null,
    ...extra,
  };
}

function level(
  partial: Pick<LevelState, 'level' | 'name' | 'kind'> & Partial<LevelState>,
): LevelState {
  return {
    state: 'live',
    queue: { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 },
    budget: null,
    targets: [],
    ...partial,
  };
}

/** The five-level ladder of the README, with one breaker open and a model name holding a slash. */
export function sampleLadder(): LadderState {
  return {
    levels: [
      level({
        level: 1,
        name: 'full',
        kind: 'llm',
        served_last_hour: 42,
        queue: { waiting: 3, active: 2, delayed: 1, completed: 120, failed: 1 },
        budget: { period: 'day', limit_usd: 50, spent_usd: 12.4 },
        targets: [{ target: 'anthropic/claude-opus-4-1', breaker: breaker('closed') }],
      }),
      level({
        level: 2,
        name: 'reduced',
        kind: 'llm',
        state: 'live',
        targets: [
          {
            target: 'anthropic/claude-sonnet-4',
            breaker: breaker('open', {
              failures: 5,
              half_open_at: new Date(Date.now() + 45_000).toISOString(),
              last_errors: [
                {
                  at: NOW,
                  class: 'transient',
                  status: 529,
                  message: '<img src=x onerror=alert(1)>overloaded',
                },
              ],
            }),
          },
          {
            target: 'openai/gpt-4o',
            // Closed again after an error: the page shows that error as history.
            breaker: breaker('closed', {
              since: '2025-01-01T00:05:00.000Z',
              last_errors: [{ at: NOW, class: 'transient', status: 503, message: 'unavailable' }],
            }),
          },
        ],
      }),
      level({
        level: 3,
        name: 'basic',
        kind: 'llm',
        targets: [{ target: 'openrouter/meta-llama/llama-3-8b', breaker: breaker('half_open') }],
      }),
      level({ level: 4, name: 'cached', kind: 'cache' }),
      level({ level: 5, name: 'static', kind: 'static' }),
    ],
  };
}

/** In-memory LadderOps: jobs stay queued until the test starts or finishes them. */
export class FakeLadderOps implements LadderOps {
  readonly records = new Map<string, JobResult>();
  readonly breakerCalls: Array<{ target: string; action: BreakerAction }> = [];
  enqueued = 0;
  unavailable = false;
  queueFull = false;
  private state = sampleLadder();
  private counter = 0;
  private readonly waiters = new Set<() => void>();

  async enqueue(job: unknown): Promise<EnqueueAnswer> {
    this.guard();
    const checked = this.check(job);
    if (!checked.ok) throw new JobValidationError(checked.problems);
    return this.add([checked.value])[0] as EnqueueAnswer;
  }

  async enqueueMany(jobs: readonly unknown[]): Promise<EnqueueAnswer[]> {
    this.guard();
    // Like the Redis ops: every bad job is named, and none is enqueued when any is bad.
    const checked = jobs.map((job) => this.check(job));
    const problems = checked.flatMap((c, index) =>
      c.ok ? [] : c.problems.map((p) => ({ ...p, index })),
    );
    if (problems.length > 0) throw new JobValidationError(problems, { batchSize: jobs.length });
    return this.add(checked.flatMap((c) => (c.ok ? [c.value] : [])));
  }

  private check(
    raw: unknown,
  ):
    | { ok: true; value: { job: JobInput; entry: LevelState } }
    | { ok: false; problems: JobProblem[] } {
    const result = parseJob(raw);
    if (!result.ok) return result;
    const ref = result.job.level ?? 1;
    const entry = this.state.levels.find((l) => l.level === ref || l.name === ref);
    if (!entry)
      return { ok: false, problems: [{ path: 'level', message: `unknown level ${ref}` }] };
    return { ok: true, value: { job: result.job, entry } };
  }

  private add(parsed: Array<{ job: JobInput; entry: LevelState }>): EnqueueAnswer[] {
    return parsed.map(({ job, entry }) => {
      const known = job.id === undefined ? undefined : this.records.get(job.id);
      if (known)
        return {
          id: known.id,
          status: known.status,
          level: known.level,
          level_name: known.level_name,
          created: false,
        };
      const id = job.id ?? `job-${++this.counter}-x`;
      this.enqueued++;
      this.records.set(id, {
        id,
        status: 'queued',
        level: entry.level,
        level_name: entry.name,
        entry_level: entry.level,
        floor: 5,
        attempts: [],
        timing: { enqueued_at: new Date().toISOString() },
      });
      return { id, status: 'queued', level: entry.level, level_name: entry.name, created: true };
    });
  }

  async get(id: string): Promise<JobResult | null> {
    this.guard();
    return this.records.get(id) ?? null;
  }

  async result(id: string, options: ResultOptions = {}): Promise<JobResult | null> {
    this.guard();
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      const record = this.records.get(id) ?? null;
      const left = deadline - Date.now();
      if (record === null || isFinal(record.status) || left <= 0) return record;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
      });
    }
  }

  async cancel(id: string): Promise<JobResult | null> {
    this.guard();
    const record = this.records.get(id);
    if (!record) return null;
    if (record.status === 'queued') this.update(id, { status: 'cancelled' });
    return this.records.get(id) ?? null;
  }

  async ladder(): Promise<LadderState> {
    this.guard();
    return structuredClone(this.state);
  }

  async breaker(target: string, action: BreakerAction): Promise<void> {
    this.guard();
    this.breakerCalls.push({ target, action });
    const state =
      action === 'open' ? 'forced_open' : action === 'close' ? 'forced_closed' : 'closed';
    for (const l of this.state.levels) {
      for (const t of l.targets) if (t.target === target) t.breaker = breaker(state);
    }
  }

  async close(): Promise<void> {}

  /** Test control: the job ends with a completed result. */
  finish(id: string, patch: Partial<JobResult> = {}): void {
    this.update(id, {
      status: 'completed',
      provider: 'anthropic',
      model: 'claude-opus-4-1',
      source: 'llm',
      degraded: false,
      output: {
        text: 'done',
        tool_calls: [],
        stop_reason: 'end_turn',
        raw_stop_reason: 'end_turn',
      },
      usage: { input_tokens: 10, output_tokens: 5 },
      cost_usd: 0.001,
      ...patch,
    });
  }

  start(id: string): void {
    this.update(id, { status: 'active' });
  }

  private update(id: string, patch: Partial<JobResult>): void {
    const record = this.records.get(id);
    if (!record) throw new Error(`no job ${id}`);
    this.records.set(id, { ...record, ...patch });
    for (const wake of [...this.waiters]) wake();
  }

  private guard(): void {
    if (this.unavailable) throw new LadderUnavailableError('redis is down');
    if (this.queueFull) throw new QueueFullError('full', 10_001, 2_500);
  }
}
