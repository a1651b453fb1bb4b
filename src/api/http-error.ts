import type { ApiProblem } from './types.js';

export interface HttpErrorOptions {
  problems?: ApiProblem[];
  headers?: Record<string, string>;
  /** Extra fields beside `message` in the error body (snake_case). */
  details?: Record<string, unknown>;
  /** Extra top-level fields of the answer, e.g. the job record of a 409. */
  body?: Record<string, unknown>;
}

/** An answer the route decided on; the error handler turns it into JSON. */
export class HttpError extends Error {
  readonly isHttpError = true;
  constructor(
    readonly status: number,
    message: string,
    readonly options: HttpErrorOptions = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isHttpError?: unknown }).isHttpError === true
  );
}

export function badRequest(message: string, problems: ApiProblem[]): HttpError {
  return new HttpError(400, message, { problems });
}
