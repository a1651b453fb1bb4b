import type { JobInput } from '../ladder/job-schema.js';
import type { QuotaMeta } from '../quota/types.js';

/**
 * Routing facts the ladder adds to the job JSON in BullMQ job data, under one reserved key so the
 * rest stays the documented job shape. A job enqueued raw from another language has none; the
 * worker fills them in.
 */
export interface LadderJobMeta {
  entry_level: number;
  floor: number;
  /** Epoch ms of the first enqueue; deadlines and `queued_ms` count from here. */
  enqueued_at: number;
  /** `provider/model` to try first at its level (the OpenAI-compatible `model` field). */
  prefer?: string;
  /** Quota waits so far (per target and in all), and the wait in progress while parked. */
  quota?: QuotaMeta;
}

export const META_KEY = '_ladder';

export type LadderJobData = JobInput & { [META_KEY]?: LadderJobMeta };

/** Separates the ladder's own routing facts from the caller's job JSON. */
export function splitJobData(data: unknown): { input: unknown; meta: LadderJobMeta | undefined } {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { input: data, meta: undefined };
  }
  const { [META_KEY]: meta, ...input } = data as Record<string, unknown>;
  return { input, meta: isMeta(meta) ? meta : undefined };
}

function isMeta(value: unknown): value is LadderJobMeta {
  if (value === null || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  return (
    typeof m.entry_level === 'number' &&
    typeof m.floor === 'number' &&
    typeof m.enqueued_at === 'number'
  );
}
