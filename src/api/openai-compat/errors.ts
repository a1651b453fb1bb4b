import { isJobValidationError } from '../../producer/errors.js';
import { mapError } from '../error-handler.js';

/** OpenAI's `error.type` values that this endpoint answers with. */
export type OpenAiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'rate_limit_error'
  | 'api_error';

/** The body every error of the OpenAI-compatible endpoints has, as the official SDKs parse it. */
export interface OpenAiErrorBody {
  error: { message: string; type: OpenAiErrorType; param: string | null; code: string | null };
}

export interface OpenAiErrorOptions {
  type: OpenAiErrorType;
  param?: string | null;
  code?: string | null;
  headers?: Record<string, string>;
}

/** An answer in OpenAI's error shape, thrown by the compat routes and rendered by their handler. */
export class OpenAiError extends Error {
  readonly isOpenAiError = true;
  constructor(
    readonly status: number,
    message: string,
    readonly options: OpenAiErrorOptions,
  ) {
    super(message);
    this.name = 'OpenAiError';
  }

  body(): OpenAiErrorBody {
    const { type, param = null, code = null } = this.options;
    return { error: { message: this.message, type, param, code } };
  }
}

export function isOpenAiError(error: unknown): error is OpenAiError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isOpenAiError?: unknown }).isOpenAiError === true
  );
}

export function invalidRequest(
  message: string,
  param: string | null,
  code: string | null = null,
): OpenAiError {
  return new OpenAiError(400, message, { type: 'invalid_request_error', param, code });
}

export function openAiErrorBody(
  message: string,
  type: OpenAiErrorType,
  code: string | null = null,
): OpenAiErrorBody {
  return { error: { message, type, param: null, code } };
}

function typeForStatus(status: number): OpenAiErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 409) return 'conflict_error';
  if (status === 429) return 'rate_limit_error';
  return status < 500 ? 'invalid_request_error' : 'api_error';
}

function codeFor(error: unknown, status: number): string | null {
  const marker = (name: string): boolean =>
    typeof error === 'object' &&
    error !== null &&
    (error as Record<string, unknown>)[name] === true;
  if (marker('isQueueFullError')) return 'queue_full';
  if (marker('isNotReplicatedError')) return 'not_replicated';
  if (marker('isLadderUnavailableError')) return 'ladder_unavailable';
  return status === 413 ? 'request_too_large' : null;
}

/**
 * Anything a compat route (or the body parser in front of it) threw, in OpenAI's shape. Status,
 * message and headers (Retry-After) come from the API's own mapping, so the two never disagree.
 */
export function toOpenAiError(error: unknown): OpenAiError {
  if (isOpenAiError(error)) return error;
  const mapped = mapError(error);
  let message = mapped.body.error.message;
  let param: string | null = null;
  if (isJobValidationError(error)) {
    message = error.message;
    param = error.problems[0]?.path ?? null;
  }
  return new OpenAiError(mapped.status, message, {
    type: typeForStatus(mapped.status),
    param,
    code: codeFor(error, mapped.status),
    headers: mapped.headers,
  });
}
