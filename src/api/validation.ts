import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { jobIdSchema } from '../ladder/job-schema.js';
import { breakerActionSchema, type BreakerAction } from '../ladder/literals.js';
import { badRequest, HttpError } from './http-error.js';
import { PLAIN_JSON_TYPES } from './plain-json-body.js';

export { MAX_JSON_DEPTH, tooDeepAt } from '../ladder/job-schema.js';

/**
 * The jobs of `POST /v1/jobs/batch` (`{jobs: [...]}`), or a 400 when the body is not such a batch
 * of 1 to `maxBatch` jobs. The jobs themselves are validated once, by `ops.enqueueMany`, which
 * names every bad index and path and enqueues nothing when any is bad.
 */
export function batchJobs(body: unknown, maxBatch: number): unknown[] {
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
  return jobs as unknown[];
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
  // Most likely the number BullMQ gave a raw job added without a jobId: say what its id is.
  if (typeof raw === 'string' && /^\d{1,20}$/.test(raw))
    throw badRequest('invalid job id', [
      {
        path: 'id',
        message:
          `ids are never all digits: a job BullMQ numbered ${raw} (added without a jobId) has its ` +
          `data.id as ladder id, else <queue>-${raw}-<its timestamp in ms>, e.g. full-${raw}-1764624000000`,
      },
    ]);
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
  // The types a plain JSON body is read under need no parsing to be told JSON (about 1% of the
  // API's CPU per request under load); any other spelling is left to `req.is`.
  const type = req.headers['content-type'];
  if (type !== undefined && PLAIN_JSON_TYPES.has(type.toLowerCase())) {
    next();
    return;
  }
  if (req.is('application/json') === 'application/json') {
    next();
    return;
  }
  next(new HttpError(415, 'send the body as JSON with Content-Type: application/json'));
};
