import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import {
  jobIdSchema,
  MAX_JSON_DEPTH,
  parseJob,
  tooDeepAt,
  type JobInput,
} from '../ladder/job-schema.js';
import { breakerActionSchema, type BreakerAction } from '../ladder/literals.js';
import { badRequest, HttpError } from './http-error.js';
import type { ApiProblem } from './types.js';

export { MAX_JSON_DEPTH, tooDeepAt } from '../ladder/job-schema.js';

function jobProblems(body: unknown, prefix: string, index?: number): ApiProblem[] {
  const deep = tooDeepAt(body);
  if (deep !== null) {
    return [{ path: prefix + deep, message: `nested deeper than ${MAX_JSON_DEPTH} levels`, index }];
  }
  const parsed = parseJob(body);
  if (parsed.ok) return [];
  return parsed.problems.map((p) => ({
    path: prefix + p.path,
    message: p.message,
    ...(index === undefined ? {} : { index }),
  }));
}

/** The job of `POST /v1/jobs`, or a 400 naming every problem. Nothing is enqueued on error. */
export function validateJobBody(body: unknown): JobInput {
  const problems = jobProblems(body, '');
  const parsed = problems.length === 0 ? parseJob(body) : null;
  if (parsed === null || !parsed.ok) throw badRequest('invalid job', problems);
  return parsed.job;
}

/** The jobs of `POST /v1/jobs/batch` (`{jobs: [...]}`), all valid, or a 400 naming index and path. */
export function validateBatchBody(body: unknown, maxBatch: number): JobInput[] {
  const jobs = (body as { jobs?: unknown } | null | undefined)?.jobs;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(jobs)) {
    throw badRequest('invalid batch', [{ path: 'jobs', message: 'expected {"jobs": [ ... ]}' }]);
  }
  if (jobs.length === 0 || jobs.length > maxBatch) {
    throw badRequest('invalid batch', [
      {
        path: 'jobs',
        message: `a batch holds 1 to ${maxBatch} jobs (api.max_batch), got ${jobs.length}`,
      },
    ]);
  }
  const problems = jobs.flatMap((job: unknown, index) => jobProblems(job, `jobs.${index}.`, index));
  if (problems.length > 0) {
    const bad = new Set(problems.map((p) => p.index)).size;
    throw badRequest(
      `invalid batch: ${bad} of ${jobs.length} jobs are invalid, none was enqueued`,
      problems,
    );
  }
  return jobs.map((job: unknown) => {
    const parsed = parseJob(job);
    if (!parsed.ok) throw new Error('unreachable: job validated above');
    return parsed.job;
  });
}

/**
 * `?wait=S` in milliseconds, capped at `maxMs` (api.sync_timeout_ms) so a request cannot hold a
 * connection open for ever; null when absent.
 */
export function parseWaitMs(req: Request, maxMs: number): number | null {
  const raw: unknown = req.query.wait;
  if (raw === undefined) return null;
  const seconds = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw badRequest('invalid query', [
      { path: 'wait', message: 'expected a number of seconds, 0 or more' },
    ]);
  }
  return Math.min(Math.round(seconds * 1000), maxMs);
}

export function parseJobId(raw: unknown): string {
  const parsed = jobIdSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw badRequest(
    'invalid job id',
    parsed.error.issues.map((issue) => ({ path: 'id', message: issue.message })),
  );
}

const breakerBody = z.object({ action: breakerActionSchema });

export function parseBreakerAction(body: unknown): BreakerAction {
  const parsed = breakerBody.safeParse(body);
  if (parsed.success) return parsed.data.action;
  const expected = breakerActionSchema.options.map((a) => `"${a}"`).join(', ');
  throw badRequest('invalid breaker action', [
    { path: 'action', message: `expected one of ${expected}` },
  ]);
}

/**
 * POST bodies must be JSON. Besides clarity this blocks cross-site form posts to the dashboard's
 * breaker buttons: a browser sends basic auth along, but only a same-origin script can send JSON.
 */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (req.is('application/json') === 'application/json') {
    next();
    return;
  }
  next(new HttpError(415, 'send the body as JSON with Content-Type: application/json'));
};
