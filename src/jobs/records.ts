import type { LevelConfig } from '../config/types.js';
import type { LadderJobMeta } from './job-data.js';
import type { JobInput } from '../ladder/job-schema.js';
import type { Attempt, FailureClass, JobResult, ResultSource } from '../ladder/result.js';
import type { Completion } from '../providers/contract.js';

/** The record a job starts with; producers write it `queued`, workers `active` for raw jobs. */
export function initialRecord(input: {
  id: string;
  job: Pick<JobInput, 'metadata'>;
  meta: LadderJobMeta;
  level: LevelConfig;
  status: 'queued' | 'active';
}): JobResult {
  return {
    id: input.id,
    status: input.status,
    level: input.level.level,
    level_name: input.level.name,
    entry_level: input.meta.entry_level,
    floor: input.meta.floor,
    attempts: [],
    ...(input.job.metadata ? { metadata: input.job.metadata } : {}),
    timing: { enqueued_at: new Date(input.meta.enqueued_at).toISOString() },
  };
}

function finishTiming(record: JobResult, nowMs: number, startedAtMs: number): JobResult['timing'] {
  const enqueuedMs = Date.parse(record.timing.enqueued_at);
  const startedAt = record.timing.started_at ?? new Date(startedAtMs).toISOString();
  return {
    ...record.timing,
    started_at: startedAt,
    finished_at: new Date(nowMs).toISOString(),
    queued_ms: Math.max(0, Date.parse(startedAt) - enqueuedMs),
    total_ms: Math.max(0, nowMs - enqueuedMs),
    quota_wait_ms: record.timing.quota_wait_ms ?? 0,
  };
}

export function completedRecord(input: {
  record: JobResult;
  level: LevelConfig;
  source: ResultSource;
  completion: Completion;
  provider?: string;
  model?: string;
  costUsd: number | null;
  attempts: Attempt[];
  nowMs: number;
  startedAtMs: number;
}): JobResult {
  const { record } = input;
  return {
    ...record,
    status: 'completed',
    level: input.level.level,
    level_name: input.level.name,
    ...(input.provider ? { provider: input.provider, model: input.model } : {}),
    source: input.source,
    degraded: input.level.level > record.entry_level,
    output: input.completion.output,
    usage: input.completion.usage,
    cost_usd: input.costUsd,
    attempts: input.attempts,
    timing: finishTiming(record, input.nowMs, input.startedAtMs),
  };
}

export function failedRecord(input: {
  record: JobResult;
  level: LevelConfig;
  message: string;
  errorClass: FailureClass;
  attempts: Attempt[];
  nowMs: number;
  startedAtMs: number;
}): JobResult {
  return {
    ...input.record,
    status: 'failed',
    level: input.level.level,
    level_name: input.level.name,
    error: { message: input.message, class: input.errorClass },
    attempts: input.attempts,
    timing: finishTiming(input.record, input.nowMs, input.startedAtMs),
  };
}
