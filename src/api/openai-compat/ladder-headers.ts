import { jobIdSchema } from '../../ladder/job-schema.js';
import { invalidRequest } from './errors.js';

/** Ladder options that OpenAI's request has no field for. */
export const HEADER = {
  floor: 'X-Ladder-Floor',
  deadline: 'X-Ladder-Deadline-Ms',
  idempotency: 'Idempotency-Key',
  agent: 'X-Ladder-Agent',
} as const;

export interface LadderHeaders {
  floor?: string | number;
  /** The job's deadline, and how long the request waits for it. */
  deadlineMs: number;
  /** The job id, so a retried request is the same job and gets the same answer. */
  id?: string;
  agent?: string;
}

type HeaderBag = Record<string, string | string[] | undefined>;

function one(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value[0] : value;
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/**
 * Reads the X-Ladder-* headers. The deadline may not exceed api.sync_timeout_ms: that is the
 * longest this API holds a request open, and a deadline longer than the wait would turn a slow
 * answer into a 504 while the job still runs.
 */
export function parseLadderHeaders(headers: HeaderBag, syncTimeoutMs: number): LadderHeaders {
  const out: LadderHeaders = { deadlineMs: syncTimeoutMs };
  const floor = one(headers, HEADER.floor);
  if (floor !== undefined) out.floor = /^\d+$/.test(floor) ? Number(floor) : floor;

  const deadline = one(headers, HEADER.deadline);
  if (deadline !== undefined) {
    const ms = /^\d+$/.test(deadline) ? Number(deadline) : Number.NaN;
    if (!Number.isSafeInteger(ms) || ms < 1 || ms > syncTimeoutMs) {
      throw invalidRequest(
        `${HEADER.deadline} must be a whole number of milliseconds from 1 to ${syncTimeoutMs} (api.sync_timeout_ms)`,
        HEADER.deadline,
      );
    }
    out.deadlineMs = ms;
  }

  const id = one(headers, HEADER.idempotency);
  if (id !== undefined) {
    const parsed = jobIdSchema.safeParse(id);
    if (!parsed.success) {
      throw invalidRequest(
        `${HEADER.idempotency} becomes the job id: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        HEADER.idempotency,
      );
    }
    out.id = parsed.data;
  }

  const agent = one(headers, HEADER.agent);
  if (agent !== undefined) out.agent = agent;
  return out;
}

/**
 * The client's name for a top-level field of the neutral job that the endpoints fill from headers
 * or `model`, for error messages; undefined for the request's own fields.
 */
export function ladderFieldParam(field: string | undefined): string | undefined {
  if (field === 'floor') return HEADER.floor;
  if (field === 'deadline_ms') return HEADER.deadline;
  if (field === 'id') return HEADER.idempotency;
  if (field === 'level' || field === 'complexity') return 'model';
  if (field === 'metadata') return 'metadata';
  return undefined;
}
