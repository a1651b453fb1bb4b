import type { Breakers } from '../breaker/types.js';
import type { LevelAvailability } from '../levels/availability.js';
import type { LadderDefinition } from '../levels/definition.js';
import type { LadderState } from '../ladder/state.js';
import type { ReplicaWait } from '../util/replica-wait.js';
import type { RedisClient } from '../util/redis.js';
import type { LadderOps } from './ladder-ops.js';

/** What `RedisLadderOps` is built from: its connections, the ladder, and what the process adds. */
export interface RedisOpsOptions {
  /** Producer connection (fails fast). */
  redis: RedisClient;
  /** Subscriber connection for result waits; created from `redis` when absent. */
  subscriber?: RedisClient;
  prefix: string;
  /** How long results are kept, for records this process creates. Default 86400 s. */
  resultsTtlSeconds?: number;
  /** The ladder's definition; read from Redis when absent (published by workers and the API). */
  definition?: LadderDefinition;
  availability?: LevelAvailability;
  breakers?: Breakers;
  /** Extra fields for `ladder()` (budgets); called per level. */
  decorateState?: (state: LadderState) => Promise<LadderState>;
  now?: () => number;
  /** Connections this object owns and closes. */
  owned?: RedisClient[];
  /** `LadderOps.report`, when the process can build reports (see cost/producer-side.ts). */
  report?: LadderOps['report'];
  /** Called by `close()` first: stops what was opened alongside (level states, budget spend, breakers). */
  onClose?: () => Promise<void>;
  /**
   * `redis.durability: replicated`: an enqueue is answered only once a replica has the job and its
   * record. Absent: once the master has them (`async`).
   */
  replicaWait?: ReplicaWait;
}
