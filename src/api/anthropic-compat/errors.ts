import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../../util/log.js';
import { toOpenAiError } from '../openai-compat/errors.js';

/** Anthropic's `error.type` values that this endpoint answers with. */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'api_error'
  | 'overloaded_error';

/** The body every error of the Anthropic-compatible endpoints has, as the official SDK parses it. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
}

export function anthropicErrorBody(type: AnthropicErrorType, message: string): AnthropicErrorBody {
  return { type: 'error', error: { type, message } };
}

/** A 400 for a request this endpoint cannot honour; `field` is named in the message. */
export class AnthropicRequestError extends Error {
  readonly isAnthropicRequestError = true;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(field === '' ? message : `${field}: ${message}`);
    this.name = 'AnthropicRequestError';
  }
}

function isAnthropicRequestError(error: unknown): error is AnthropicRequestError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isAnthropicRequestError?: unknown }).isAnthropicRequestError === true
  );
}

export interface MappedAnthropicError {
  status: number;
  body: AnthropicErrorBody;
  headers: Record<string, string>;
}

function typeFor(status: number, code: string | null): AnthropicErrorType {
  if (code === 'ladder_exhausted') return 'overloaded_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 504) return 'timeout_error';
  return status < 500 ? 'invalid_request_error' : 'api_error';
}

/**
 * Anything the Messages routes threw, in Anthropic's shape. The shared steps (model, headers,
 * enqueue, waiting) throw in OpenAI's shape; their status, message and headers are kept, and a
 * ladder that ended with no level left becomes Anthropic's 529, which Claude agents already treat
 * as "overloaded, try later".
 */
export function toAnthropicError(error: unknown): MappedAnthropicError {
  if (isAnthropicRequestError(error)) {
    return {
      status: 400,
      body: anthropicErrorBody('invalid_request_error', error.message),
      headers: {},
    };
  }
  const openAi = toOpenAiError(error);
  const code = openAi.options.code ?? null;
  const type = typeFor(openAi.status, code);
  return {
    status: type === 'overloaded_error' ? 529 : openAi.status,
    body: anthropicErrorBody(type, openAi.message),
    headers: openAi.options.headers ?? {},
  };
}

/** Renders any error on the Messages paths (body parser errors included) in Anthropic's shape. */
export function anthropicErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const mapped = toAnthropicError(error);
    if (mapped.status >= 500 && ![503, 504, 529].includes(mapped.status)) {
      logger.error(
        { err: error, method: req.method, path: req.path, status: mapped.status },
        'request failed',
      );
    }
    for (const [name, value] of Object.entries(mapped.headers)) res.setHeader(name, value);
    res.status(mapped.status).json(mapped.body);
  };
}
