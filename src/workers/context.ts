import type { Queue } from 'bullmq';
import type { FallbackConfig, LevelConfig, ProviderSettings, TargetRef } from '../config/types.js';
import type { Breakers } from '../breaker/types.js';
import type { ResponseCache } from '../cache/response-cache.js';
import type { LevelAvailability } from '../ladder/availability.js';
import type { JobResult } from '../ladder/result.js';
import type { Provider, Usage } from '../providers/contract.js';
import type { ErrorClass } from '../providers/provider-error.js';
import type { Quota } from '../quota/types.js';
import type { ResultStore } from '../results/result-store.js';
import type { Logger } from '../util/log.js';
import type { JobStreams } from './stream-hook.js';
import type { InvalidOutputStreaks } from '../output/invalid-streak.js';

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

/** Everything a level worker needs, built once at start-up and shared by every job. */
export interface WorkerContext {
  levels: LevelConfig[];
  fallback: FallbackConfig;
  providerSettings: Record<string, ProviderSettings>;
  providers: { get(name: string): Provider | undefined };
  breakers: Breakers;
  availability: LevelAvailability;
  results: ResultStore;
  cache: ResponseCache;
  /** The queue of a level, by name, for rerouting. */
  queue(levelName: string): Queue;
  cost: CostFn;
  /** Invalid answers in a row per target, which decide when they count for the breaker. */
  invalidOutput: InvalidOutputStreaks;
  /** The quota scheduler; absent, calls are not rate-limited (and a 429 is a plain transient error). */
  quota?: Quota;
  /** Where `stream: true` jobs write their events; absent, they are served as plain jobs. */
  streams?: JobStreams;
  observer: WorkerObserver;
  clock: Clock;
  logger: Logger;
  random?: () => number;
  /**
   * Aborted when a shutdown's grace runs out: provider calls in flight are cut, and their jobs go
   * back to the queue for another worker instead of holding the process open.
   */
  shutdown?: AbortSignal;
}
