import type { TargetRef } from '../config/types.js';
import type { Attempt, ResultSource } from '../ladder/result.js';
import type { Completion, Usage } from '../providers/contract.js';
import type { ProviderError } from '../providers/provider-error.js';

/**
 * How a job's turn at one level ended. The walk of an LLM level's targets, a cache level and a
 * static level all answer with it; `processJob` decides from it: write the answer, fail the job,
 * move it down, leave it to the run that finished it, or put it back on its queue.
 */
export type LevelEnd =
  | {
      kind: 'served';
      source: ResultSource;
      completion: Completion;
      target?: TargetRef;
      /** A cache hit: the usage of the answer served, for the cost report (see ServedDetail). */
      cachedUsage?: Usage | null;
    }
  /** A caller's fault: the job fails at once, wherever it is. */
  | { kind: 'caller'; error: ProviderError }
  /**
   * Nothing here served it and the job moves down: every target was tried, skipped or refused,
   * the cache missed, a check refused the answer (`exhausted`), or its deadline passed.
   */
  | { kind: 'unserved'; why: 'exhausted' | 'deadline' }
  /** Another run of the same job (a stalled copy's original) finished it: no more calls. */
  | { kind: 'superseded'; status: string }
  /** This run's BullMQ lock lapsed (a starved process): the run that holds the job now goes on. */
  | { kind: 'lock_lost' }
  /** This process is shutting down: the job goes back to its queue, nothing final is recorded. */
  | { kind: 'interrupted' };

/** A level's end with the attempts made at that level, in order; the caller adds them to the trail. */
export type LevelOutcome = LevelEnd & { attempts: Attempt[] };

/**
 * `end` with its attempts. Object.assign, not `{ ...end, attempts }`: V8 (Node 20) makes a field
 * added to a spread copy cost about a microsecond (see jobs/records.ts), on every job.
 */
export function withAttempts(end: LevelEnd, attempts: Attempt[]): LevelOutcome {
  return Object.assign({}, end, { attempts });
}

/**
 * What a job's run in this process came to, and what BullMQ keeps as the job's return value. A
 * `failed` run is not returned but thrown (UnrecoverableError with `message`); moving a job down
 * answers `rerouted`, or `failed` at its floor, or `skipped` when the record changed under it.
 */
export type JobSummary =
  | { status: 'completed'; level: number }
  | { status: 'failed'; level: number; message: string }
  | { status: 'rerouted'; to: number }
  | { status: 'skipped'; why: string };
