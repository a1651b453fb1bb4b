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
  jobFinished?(result: JobResult): void;
  /** A job was put back to wait for a target's quota. */
  quotaWait?(wait: { target: TargetRef; level: LevelConfig; waitMs: number; reason: string }): void;
  /** A call was answered 429 / RESOURCE_EXHAUSTED. */
  rateLimited?(call: { target: TargetRef; level: LevelConfig }): void;
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
