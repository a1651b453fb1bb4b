import type { BreakerSnapshot } from '../breaker/types.js';

/** Level state: `down` when no target can take a call, `paused` by an operator, `budget` when spent. */
export type LevelStateName = 'live' | 'down' | 'paused' | 'budget';

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

export interface TargetState {
  target: string;
  breaker: BreakerSnapshot;
}

export interface LevelBudgetState {
  period: 'day' | 'month';
  limit_usd: number;
  spent_usd: number;
}

export interface LevelState {
  level: number;
  name: string;
  kind: 'llm' | 'cache' | 'static';
  state: LevelStateName;
  queue: QueueCounts;
  budget: LevelBudgetState | null;
  targets: TargetState[];
  /** Jobs that ended at this level in the last hour. */
  served_last_hour?: number;
}

/** `GET /v1/ladder`, `LadderClient.ladder()`, `ladder status --json`. */
export interface LadderState {
  levels: LevelState[];
  complexity?: Record<string, number>;
  at?: string;
}
