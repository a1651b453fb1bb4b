import type { Queue } from 'bullmq';
import type { ApiConfig } from '../config/types.js';
import type { ErrorBody, Problem } from '../ladder/answers.js';
import type { LadderOps } from '../producer/ladder-ops.js';
import type { Logger } from '../util/log.js';

/** Readiness as `/readyz` reports it: Redis reachable, config loaded. */
export interface Readiness {
  ok: boolean;
  /** Shown to anyone (the endpoint is open): say what is missing, never where or with what secret. */
  detail?: string;
  /** Each ladder's own, when one API serves several (`ladder api --config a --config b`). */
  ladders?: Record<string, Readiness>;
}

export interface ApiAppOptions {
  /** What the API serves: the Redis-backed client in production, a fake in tests. */
  ops: LadderOps;
  config: ApiConfig;
  /** One BullMQ queue per level, shown read-only in Bull Board at `/admin/queues`. */
  queues: readonly Queue[];
  readiness: () => Promise<Readiness>;
  /** Prometheus text exposition, e.g. `() => renderMetrics(ops)`. */
  metrics: () => Promise<string>;
  logger: Logger;
  /**
   * Where the app is mounted when one API serves several ladders (`/ladders/team-a`), for the
   * dashboard's own links. Default `''`, the root.
   */
  basePath?: string;
}

/** A problem in a request body; `index` is set for a job of a batch. */
export type ApiProblem = Problem;

/** Every error answer has this shape, so clients need one parser. */
export type ApiErrorBody = ErrorBody;
