import type { Job, JobsOptions } from 'bullmq';
import type { FallbackConfig, LevelConfig, ProviderSettings } from '../config/types.js';
import type { Breakers } from '../breaker/types.js';
import type { ResponseCache } from '../cache/response-cache.js';
import type { LevelAvailability } from '../levels/availability.js';
import type { Provider } from '../providers/contract.js';
import type { Quota } from '../quota/types.js';
import type { ResultStore } from '../results/result-store.js';
import type { Logger } from '../util/log.js';
import type { JobStreams } from '../streaming/job-streams.js';
import type { InvalidOutputStreaks } from '../output/invalid-streak.js';
import type { Clock, CostFn, WorkerObserver } from '../jobs/hooks.js';
import type { ReplicaWait } from '../util/replica-wait.js';

/** What the core loop uses of a BullMQ job: a unit test gives a plain object with these. */
export type LevelJob = Pick<
  Job,
  'id' | 'data' | 'timestamp' | 'queueName' | 'updateData' | 'moveToDelayed' | 'moveToWait'
>;

/** What the core loop uses of a level's BullMQ queue: adding a job moved down to it. */
export interface LevelQueue {
  add(name: string, data: unknown, options: JobsOptions): Promise<unknown>;
}

/** Everything a level worker needs, built once at start-up and shared by every job. */
export interface WorkerContext {
  levels: LevelConfig[];
  fallback: FallbackConfig;
  providerSettings: Record<string, ProviderSettings>;
  providers: { get(name: string): Provider | undefined };
  breakers: Breakers;
  availability: LevelAvailability;
  results: ResultStore;
  cache: Pick<ResponseCache, 'get' | 'entry'>;
  /** The queue of a level, by name, for moving jobs down. */
  queue(levelName: string): LevelQueue;
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
  /**
   * `redis.durability: replicated`: a final record is held until a replica confirms it, and only
   * then made visible and announced. Absent (`async`): written and announced at once.
   */
  replicaWait?: ReplicaWait;
}
