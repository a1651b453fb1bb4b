/**
 * Limits of the job JSON, shared by the schema (job-schema.ts) and the hand-written check of plain
 * jobs (plain-job.ts), so the two cannot drift. They keep one job from exhausting a worker or a
 * provider bill and are deliberately generous.
 */
export const LIMITS = {
  maxMessages: 1_000,
  maxTools: 128,
  maxStringChars: 1_000_000,
  maxTokens: 1_000_000,
  maxIdChars: 200,
  maxMetadataKeys: 64,
  maxStops: 16,
} as const;

/** Characters a job id may use: no `:` (key separator). */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_.@=+-]+$/;
/** All digits: BullMQ's own ids, which a job id must not be. */
export const ALL_DIGITS = /^\d+$/;
/** A valid job id (what `jobIdSchema` accepts), checked without zod on the worker's hot path. */
export function isJobId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= LIMITS.maxIdChars &&
    JOB_ID_PATTERN.test(value) &&
    !ALL_DIGITS.test(value)
  );
}

/** A job's deadline, at most a week. */
export const MAX_DEADLINE_MS = 7 * 24 * 3600 * 1000;
/** Level numbers a job may name (`level`, `floor`), and the longest level name. */
export const MAX_LEVEL = 100;
export const MAX_LEVEL_NAME_CHARS = 64;
/** `priority`: 1 (first) to 1000. */
export const MAX_PRIORITY = 1000;
/** `metadata`: key and string value lengths. */
export const MAX_METADATA_KEY_CHARS = 256;
export const MAX_METADATA_VALUE_CHARS = 10_000;
/** `stop`: longest sequence; a tool message's `name`. */
export const MAX_STOP_CHARS = 1_000;
export const MAX_TOOL_NAME_CHARS = 256;
/** `temperature`: 0 to this. */
export const MAX_TEMPERATURE = 2;
