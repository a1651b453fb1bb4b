import type { Attempt, JobResult } from '../ladder/result.js';

/** A piece of the answer: text, or a piece of one tool call (its arguments' JSON text in pieces). */
export type DeltaData =
  | { text: string }
  | { tool_call: { index: number; id?: string; name?: string; arguments: string } };

/**
 * The answer starts over on another target: readers discard what came before. With `continues`,
 * the new answer begins with the text already sent (`kept_chars` of it), then goes on from there.
 */
export interface RestartData {
  level: number;
  provider?: string;
  model?: string;
  /** Characters the cut attempt had sent. */
  sent_chars: number;
  continues: boolean;
  kept_chars: number;
}

/** One event of a job's stream, as readers see it; `id` is what `Last-Event-ID` names. */
export type JobEvent =
  | { id: string; type: 'delta'; data: DeltaData }
  | { id: string; type: 'attempt'; data: Attempt }
  | { id: string; type: 'restart'; data: RestartData }
  | { id: string; type: 'final'; data: JobResult };

export type JobEventType = JobEvent['type'];

export const EVENT_TYPES: readonly JobEventType[] = ['delta', 'attempt', 'restart', 'final'];

/**
 * Entries are capped (approximately, as XADD MAXLEN ~ does) so a runaway answer cannot grow a key
 * without bound. The writer merges deltas that queue up behind a write, so answers stay far below.
 */
export const MAX_STREAM_EVENTS = 20_000;

/** Redis Stream ids: `<ms>-<seq>`. */
export const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

/** Ids of events made up from the result record (jobs without a stream, or whose stream ended early). */
export const RECORD_ID = /^r-\d{1,6}$/;

/** Parses one XRANGE/XREAD entry ([id, [field, value, ...]]) into an event; null if unreadable. */
export function parseEntry(id: string, fields: string[]): JobEvent | null {
  let type: string | undefined;
  let json: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'type') type = fields[i + 1];
    if (fields[i] === 'data') json = fields[i + 1];
  }
  if (type === undefined || json === undefined) return null;
  if (!(EVENT_TYPES as readonly string[]).includes(type)) return null;
  try {
    const data: unknown = JSON.parse(json);
    return { id, type, data } as JobEvent;
  } catch {
    return null;
  }
}
