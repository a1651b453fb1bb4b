import type { JobResult } from '../../ladder/result.js';
import { OpenAiError } from './errors.js';
import type { ServedRecord } from './to-completion.js';

const readable = (id: string): string =>
  `the job stays readable at GET /v1/jobs/${encodeURIComponent(id)}`;

/**
 * What the wait for a job ended with: a served record, or the OpenAI-shaped error to answer.
 * The job id header goes on every error too, so a client can look the job up.
 */
export function servedOrThrow(
  jobId: string,
  record: JobResult | null,
  waitedMs: number,
): ServedRecord {
  const headers = { 'X-Ladder-Job-Id': jobId };
  if (record === null) {
    return fail(
      500,
      `job ${jobId} vanished while waiting (its result expired?)`,
      'api_error',
      'job_lost',
      headers,
    );
  }
  if (record.status === 'completed' && record.output) return { ...record, output: record.output };
  if (record.status === 'queued' || record.status === 'active') {
    return fail(
      504,
      `no answer within the deadline (${waitedMs} ms, X-Ladder-Deadline-Ms); the job is ${record.status} at level ${record.level} (${record.level_name}) and ${readable(jobId)}`,
      'api_error',
      'deadline_exceeded',
      headers,
    );
  }
  if (record.status === 'cancelled') {
    return fail(
      409,
      `job ${jobId} was cancelled before it ran; ${readable(jobId)}`,
      'conflict_error',
      'job_cancelled',
      headers,
    );
  }
  const error = record.error ?? { message: 'the job failed', class: 'transient' as const };
  switch (error.class) {
    case 'deadline':
      return fail(
        504,
        `deadline passed: ${error.message}; ${readable(jobId)}`,
        'api_error',
        'deadline_exceeded',
        headers,
      );
    case 'caller':
    case 'invalid':
      // The provider (or the worker) refused the request itself: retrying elsewhere cannot help.
      return fail(400, error.message, 'invalid_request_error', 'invalid_request', headers);
    case 'context_length':
      // OpenAI's own code for this, which agents already handle by trimming the conversation.
      return fail(400, error.message, 'invalid_request_error', 'context_length_exceeded', headers);
    default:
      return fail(
        503,
        `the ladder ended at its floor with no answer: ${error.message}; ${readable(jobId)}`,
        'api_error',
        'ladder_exhausted',
        headers,
      );
  }
}

function fail(
  status: number,
  message: string,
  type: 'api_error' | 'conflict_error' | 'invalid_request_error',
  code: string,
  headers: Record<string, string>,
): never {
  throw new OpenAiError(status, message, { type, param: null, code, headers });
}
