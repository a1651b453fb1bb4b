import type { BreakerAction } from '../breaker/types.js';
import type { LevelAction } from '../ladder/literals.js';
import type { LevelConfig } from '../config/types.js';
import type { JobInput } from '../ladder/job-schema.js';
import type { EnqueueAnswer } from '../ladder/answers.js';
import type { JobResult } from '../ladder/result.js';
import type { Report } from '../cost/report-types.js';
import type { LadderState } from '../ladder/state.js';
import type { JobEvent } from '../streaming/events.js';
import type { EventsOptions } from '../streaming/reader.js';

export type { EnqueueAnswer } from '../ladder/answers.js';

export interface EnqueueOptions {
  /**
   * `provider/model` to try first at the entry level (the OpenAI-compatible `model` field). Honoured
   * by the Redis implementation; the HTTP API has no field for it, so over HTTP it is ignored.
   */
  prefer?: string;
}

/** One level as the OpenAI-compatible `model` field sees it: a name, and targets to prefer. */
export interface CatalogLevel {
  level: number;
  name: string;
  kind: LevelConfig['kind'];
  /** `provider/model` ids, in priority order; empty for cache and static levels. */
  targets: string[];
}

/** What a `model` may name: the levels and their targets (complexities are fixed names). */
export interface LadderCatalog {
  levels: CatalogLevel[];
}

export function catalogFromLevels(levels: readonly LevelConfig[]): LadderCatalog {
  return {
    levels: levels.map((l) => ({
      level: l.level,
      name: l.name,
      kind: l.kind,
      targets: l.kind === 'llm' ? l.targets.map((t) => t.id) : [],
    })),
  };
}

/** From `GET /v1/ladder`, for clients that have no definition at hand. */
export function catalogFromState(state: LadderState): LadderCatalog {
  return {
    levels: state.levels.map((l) => ({
      level: l.level,
      name: l.name,
      kind: l.kind,
      targets: l.targets.map((t) => t.target),
    })),
  };
}

export interface ResultOptions {
  /** How long to wait for a final result. Default 30000. */
  timeoutMs?: number;
}

export interface EnqueueAndWaitOptions extends EnqueueOptions, ResultOptions {
  /** Called once the job is enqueued, before the wait (a response header naming the job). */
  onEnqueued?: (answer: EnqueueAnswer) => void;
}

/**
 * What a caller can do with a ladder. `LadderClient` implements it over Redis or HTTP, and the HTTP
 * API serves it, so the two ways in have the same methods and answers.
 */
export interface LadderOps {
  /** Validates and enqueues one job; throws JobValidationError before anything is enqueued. */
  enqueue(job: unknown, options?: EnqueueOptions): Promise<EnqueueAnswer>;
  /** All or nothing: every job is validated before any is enqueued. */
  enqueueMany(jobs: readonly unknown[]): Promise<EnqueueAnswer[]>;
  /** The record now, or null when the id is unknown (or expired). */
  get(id: string): Promise<JobResult | null>;
  /** Waits until the job is final; returns the record as it is when the wait ends. */
  result(id: string, options?: ResultOptions): Promise<JobResult | null>;
  /**
   * `enqueue` then `result`, with the wait watching the job before it is written, so a job this
   * call created is not read back before its announcement. Optional: callers fall back to the two
   * calls (`enqueueThenResult`).
   */
  enqueueAndWait?(
    job: unknown,
    options: EnqueueAndWaitOptions,
  ): Promise<{ answer: EnqueueAnswer; record: JobResult | null }>;
  /**
   * The cost and traffic report over [sinceMs, untilMs] (default until now). Optional: the Redis
   * client opened by `openRedisOps` has it; the API answers 501 for ops without it.
   */
  report?(range: { sinceMs: number; untilMs?: number }): Promise<Report>;
  /** Cancels a job that has not started; answers the record after the attempt. */
  cancel(id: string): Promise<JobResult | null>;
  ladder(): Promise<LadderState>;
  /**
   * Levels and targets without queue or breaker reads (cheap enough per request). Optional: when
   * absent, callers derive it from `ladder()` with `catalogFromState`.
   */
  catalog?(): Promise<LadderCatalog>;
  breaker(target: string, action: BreakerAction): Promise<void>;
  /**
   * An operator's pause of a level's queue, or its end; `level` is a number or name the caller
   * checked against `ladder()`. Optional: the API answers 501 for ops without it.
   */
  levelAction?(level: string, action: LevelAction): Promise<{ level: number; name: string }>;
  /**
   * A job's events: `delta` pieces of the answer as they are produced, `attempt` trail entries,
   * `restart` (drop what came before), then `final` with the record; a finished job replays.
   * Rejects with UnknownJobError (no such job) or BadEventIdError (a `lastEventId` not of this
   * job) before the first event. Optional: the API answers 501 for ops without it.
   */
  events?(id: string, options?: EventsOptions): Promise<AsyncIterable<JobEvent>>;
  close(): Promise<void>;
}

/** `ops.enqueueAndWait` where it exists, else `enqueue` then `result`. */
export async function enqueueThenResult(
  ops: LadderOps,
  job: unknown,
  options: EnqueueAndWaitOptions,
): Promise<{ answer: EnqueueAnswer; record: JobResult | null }> {
  if (ops.enqueueAndWait) return ops.enqueueAndWait(job, options);
  const answer = await ops.enqueue(
    job,
    options.prefer === undefined ? {} : { prefer: options.prefer },
  );
  options.onEnqueued?.(answer);
  return { answer, record: await ops.result(answer.id, { timeoutMs: options.timeoutMs }) };
}

export type { JobInput };
