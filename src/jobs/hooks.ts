import type { LevelConfig, TargetRef } from '../config/types.js';
import type { JobResult } from '../ladder/result.js';
import type { Usage } from '../providers/contract.js';
import type { ErrorClass } from '../providers/provider-error.js';

/** Hooks for metrics and cost accounting; every one optional so tests can leave them out. */
export interface WorkerObserver {
  providerCall?(call: {
    target: TargetRef;
    level: LevelConfig;
    latencyMs: number;
    errorClass: ErrorClass | null;
    usage: Usage | null;
  }): void;
  /** A job's record became final; `served` tells what the record itself does not carry. */
  jobFinished?(result: JobResult, served?: ServedDetail): void;
  /** A job was put back to wait for a target's quota. */
  quotaWait?(wait: { target: TargetRef; level: LevelConfig; waitMs: number; reason: string }): void;
  /** A call was answered 429 / RESOURCE_EXHAUSTED. */
  rateLimited?(call: { target: TargetRef; level: LevelConfig }): void;
}

/** What the worker knows of a finished job beyond its record. */
export interface ServedDetail {
  /**
   * A cache hit: the usage of the answer it served, i.e. the tokens the hit saved. The record of a
   * cache hit carries no usage of its own (nothing was called), so the worker passes it here.
   */
  cachedUsage?: Usage | null;
}

/** Prices a call; null when the target has no known price. */
export type CostFn = (target: TargetRef, usage: Usage | null) => number | null;

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
