import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isJobValidationError, isNotReplicatedError } from '../producer/errors.js';
import type { Logger } from '../util/log.js';
import { HttpError, isHttpError } from './http-error.js';
import type { ApiErrorBody, ApiProblem } from './types.js';

/** Seconds a client should wait before retrying while Redis is away. */
export const UNAVAILABLE_RETRY_AFTER_S = 5;

interface Mapped {
  status: number;
  body: ApiErrorBody & Record<string, unknown>;
  headers?: Record<string, string>;
}

function hasMarker(error: unknown, marker: string): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<string, unknown>)[marker] === true
  );
}

/** Maps what a route threw to a status and a JSON body. Messages never quote request headers. */
export function mapError(error: unknown): Mapped {
  if (isHttpError(error)) {
    const { problems, headers, details, body } = error.options;
    return {
      status: error.status,
      body: {
        ...body,
        error: { message: error.message, ...details, ...(problems ? { problems } : {}) },
      },
      headers,
    };
  }
  if (isJobValidationError(error)) {
    // ops names each problem's path in its job; in a batch the path is made relative to the body.
    const problems: ApiProblem[] = error.problems.map((p) =>
      p.index === undefined ? { ...p } : { ...p, path: `jobs.${p.index}.${p.path}` },
    );
    const message =
      error.batchSize === undefined
        ? 'invalid job'
        : `invalid batch: ${error.invalidJobs} of ${error.batchSize} jobs are invalid, none was enqueued`;
    return { status: 400, body: { error: { message, problems } } };
  }
  if (hasMarker(error, 'isQueueFullError')) {
    const { level, depth, retryAfterMs } = error as {
      level: string;
      depth: number;
      retryAfterMs: number;
    };
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return {
      status: 429,
      body: {
        error: {
          message: `queue ${level} is full, retry later`,
          level,
          depth,
          retry_after_ms: retryAfterMs,
        },
      },
      headers: { 'Retry-After': String(seconds) },
    };
  }
  if (isNotReplicatedError(error)) {
    return {
      status: 503,
      body: {
        error: {
          message:
            'not acknowledged: no Redis replica confirmed the job in time (redis.durability: replicated); it may or may not run, enqueue it again with the same id',
          code: error.code,
          job_ids: [...error.jobIds],
        },
      },
      headers: { 'Retry-After': '1' },
    };
  }
  if (hasMarker(error, 'isLadderUnavailableError')) {
    return {
      status: 503,
      body: {
        error: { message: 'the ladder is unavailable (Redis cannot be reached), retry later' },
      },
      headers: { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_S) },
    };
  }
  return { status: 500, body: { error: { message: 'internal error' } } };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const mapped = mapError(error);
    if (mapped.status >= 500) {
      // Method and path only: headers would carry the token. 503 is an expected outage, not a bug.
      const entry = { err: error, method: req.method, path: req.path, status: mapped.status };
      if (mapped.status === 503) logger.warn(entry, 'ladder unavailable');
      else logger.error(entry, 'request failed');
    }
    for (const [name, value] of Object.entries(mapped.headers ?? {})) res.setHeader(name, value);
    res.status(mapped.status).json(mapped.body);
  };
}

export const notFound: RequestHandler = (_req, _res, next) => {
  next(new HttpError(404, 'no such endpoint; see /openapi.json'));
};
