import { z } from 'zod';
import {
  breakerStateNameSchema,
  budgetPeriodSchema,
  errorClassSchema,
  levelKindSchema,
  levelStateNameSchema,
} from './literals.js';

export type { BreakerStateName, LevelStateName } from './literals.js';

const int = z.number().int();
const time = z.string().meta({ format: 'date-time' });

export const breakerErrorRecordSchema = z.object({
  at: time,
  class: errorClassSchema,
  status: int.nullable(),
  message: z.string(),
});

/** What `GET /v1/ladder` shows of one target's breaker. */
export const breakerSnapshotSchema = z.object({
  state: breakerStateNameSchema,
  since: time,
  /** Calls and failures inside the current window. */
  calls: int,
  failures: int,
  last_errors: z.array(breakerErrorRecordSchema),
  /** When an open breaker will let a probe through; null unless open. */
  half_open_at: time.nullable(),
});

export const queueCountsSchema = z.object({
  waiting: int,
  active: int,
  delayed: int,
  completed: int,
  failed: int,
});

/** One target's share of its provider's quota, from `limits:`. */
export const targetLimitsSchema = z.object({
  rpm: int.optional(),
  tpm: int.optional(),
  concurrency: int.optional(),
});

/** A target's quota: a limit is no outage, so it is shown apart from the breaker. */
export const targetQuotaSchema = z.object({
  /** From `limits:`; null when the target has none. */
  limit: targetLimitsSchema.nullable(),
  /** What adaptation learned when `limits:` sets none; null when nothing was learned. */
  learned: z.object({ rpm: int.nullable(), tpm: int.nullable() }).nullable(),
  /** Requests and tokens started over the last minute. */
  last_minute: z.object({ requests: int, tokens: int }),
  in_flight: int,
  /** Jobs waiting for this target. */
  waiting: int,
  /** Until when the target answers 429; null when it is not saturated. */
  saturated_until: time.nullable(),
  /** 429s seen since the target's quota state was created (it expires after an idle hour). */
  rate_limited: int,
});

export const targetStateSchema = z.object({
  target: z.string(),
  breaker: breakerSnapshotSchema,
  /** Limit, last-minute use, calls in flight and saturation. */
  quota: targetQuotaSchema.optional(),
});

export const levelBudgetStateSchema = z.object({
  period: budgetPeriodSchema,
  limit_usd: z.number(),
  spent_usd: z.number(),
});

export const levelStateSchema = z.object({
  level: int,
  name: z.string(),
  kind: levelKindSchema,
  state: levelStateNameSchema,
  queue: queueCountsSchema,
  budget: levelBudgetStateSchema.nullable(),
  targets: z.array(targetStateSchema),
  /** Jobs that ended at this level in the last hour. */
  served_last_hour: int.optional(),
});

/** `GET /v1/ladder`, `LadderClient.ladder()`, `ladder status --json`. */
export const ladderStateSchema = z.object({
  levels: z.array(levelStateSchema),
  complexity: z.record(z.string(), int).optional(),
  at: time.optional(),
});

export type BreakerErrorRecord = z.infer<typeof breakerErrorRecordSchema>;
export type BreakerSnapshot = z.infer<typeof breakerSnapshotSchema>;
export type QueueCounts = z.infer<typeof queueCountsSchema>;
export type TargetState = z.infer<typeof targetStateSchema>;
export type TargetQuotaState = z.infer<typeof targetQuotaSchema>;
export type LevelBudgetState = z.infer<typeof levelBudgetStateSchema>;
export type LevelState = z.infer<typeof levelStateSchema>;
export type LadderState = z.infer<typeof ladderStateSchema>;
